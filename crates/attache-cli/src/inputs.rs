//! The inputs of `attache code` and `attache ingest`: the command line's
//! list of files, directories and `-` (standard input) turned into a
//! stream of opened inputs, each with its format decided.
//!
//! A directory stands for every regular file below it, depth-first and
//! sorted by file name within each directory (the order does not depend on
//! the filesystem); entries whose name starts with `.` are passed over.
//! Symbolic links are followed; a loop is an error. Only one directory's
//! entries are held at a time, so a tree of a million files costs no more
//! memory than a small one.
//!
//! An input whose bytes start with the gzip magic is decompressed while it
//! is read (concatenated members too). Its format is detected from its
//! name without `.gz` and its decompressed head; its name, as document id
//! and in errors, stays the real path.

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use attache_core::document::Document;
use attache_core::error::InputErrorKind;
use attache_core::ingest::{self, InputFormat};
use attache_core::InputError;
use flate2::bufread::MultiGzDecoder;
use walkdir::{DirEntry, WalkDir};

const BUF: usize = 1 << 16;
const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

/// An input opened for reading.
pub struct Input {
    /// The path as given or as found in a directory, or `-`.
    pub name: String,
    /// The format given by `--input-format`, or detected.
    pub format: InputFormat,
    /// The input's bytes, decompressed if they were gzip.
    pub reader: Box<dyn BufRead>,
}

impl Input {
    /// Reads the whole input as one document (text or HTML), at most one
    /// byte over the size limit; also gives the bytes read.
    pub fn read_document(self) -> (Result<Document, InputError>, usize) {
        let mut bytes = Vec::new();
        let doc = match self.reader.take((ingest::MAX_DOCUMENT + 1) as u64).read_to_end(&mut bytes) {
            Ok(_) => ingest::from_bytes(&self.name, &bytes, self.format),
            Err(e) => Err(cannot_read(&self.name, &e)),
        };
        (doc, bytes.len())
    }
}

/// The line said on standard error for a document whose bytes were not
/// UTF-8: the text coded is not the bytes given.
pub fn decoding_note(doc: &Document) -> Option<String> {
    doc.decoding.map(|how| format!("attache: note: {}: {how}", doc.id))
}

/// The inputs named on the command line, opened one at a time as the
/// iterator is advanced. One that cannot be opened (or a directory entry
/// that cannot be walked) is an error naming its path; the rest go on.
pub fn open(args: &[String], format: InputFormat) -> Inputs<'_> {
    Inputs { args: args.iter(), format, walk: None }
}

/// True when any of `args` is a directory (for a caller that would
/// otherwise size the inputs up front).
pub fn any_directory(args: &[String]) -> bool {
    args.iter().any(|a| a != "-" && std::fs::metadata(a).is_ok_and(|m| m.is_dir()))
}

/// The size of the file at `path` if it is not compressed (its bytes are
/// then the bytes read from it); None if it is, or cannot be read.
pub fn plain_size(path: &str) -> Option<u64> {
    let mut f = File::open(path).ok()?;
    let mut head = Vec::with_capacity(2);
    (&mut f).take(2).read_to_end(&mut head).ok()?;
    if head == GZIP_MAGIC {
        return None;
    }
    Some(f.metadata().ok()?.len())
}

type Walk = walkdir::FilterEntry<walkdir::IntoIter, fn(&DirEntry) -> bool>;

pub struct Inputs<'a> {
    args: std::slice::Iter<'a, String>,
    format: InputFormat,
    /// The directory being walked, with the path it was given as.
    walk: Option<(Walk, &'a str)>,
}

impl Iterator for Inputs<'_> {
    type Item = Result<Input, InputError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some((walk, root)) = &mut self.walk {
                match walk.next() {
                    None => self.walk = None,
                    Some(Err(e)) => return Some(Err(walk_error(root, e))),
                    // Links are followed: the type is that of the target.
                    Some(Ok(entry)) if entry.file_type().is_file() => {
                        let name = entry.path().to_string_lossy().into_owned();
                        return Some(open_file(name, entry.path(), self.format));
                    }
                    // Directories (walked into), and fifos, sockets, devices (passed over).
                    Some(Ok(_)) => {}
                }
                continue;
            }
            let arg = self.args.next()?;
            if arg == "-" {
                let stdin = BufReader::with_capacity(BUF, std::io::stdin().lock());
                return Some(Ok(prepare(arg.clone(), Box::new(stdin), self.format)));
            }
            if std::fs::metadata(arg).is_ok_and(|m| m.is_dir()) {
                let walk = WalkDir::new(arg).follow_links(true).sort_by_file_name().into_iter();
                self.walk = Some((walk.filter_entry(visible as fn(&DirEntry) -> bool), arg));
                continue;
            }
            return Some(open_file(arg.clone(), Path::new(arg), self.format));
        }
    }
}

/// Not hidden: a name starting with `.` is passed over below the
/// directory given (which is walked whatever its name, `.` included).
fn visible(e: &DirEntry) -> bool {
    e.depth() == 0 || !e.file_name().as_encoded_bytes().starts_with(b".")
}

fn open_file(name: String, path: &Path, format: InputFormat) -> Result<Input, InputError> {
    match File::open(path) {
        Ok(f) => Ok(prepare(name, Box::new(BufReader::with_capacity(BUF, f)), format)),
        Err(e) => Err(cannot_read(&name, &e)),
    }
}

/// Decompresses `reader` if it is gzip, and decides its format.
fn prepare(name: String, mut reader: Box<dyn BufRead>, format: InputFormat) -> Input {
    // A read that fails here (a corrupt gzip stream, a device error) leaves
    // no head to look at. Its error is reported where the input is read, as
    // any later one is (for JSONL, with the line reached); the stream is not
    // read again.
    let gzip = match reader.fill_buf() {
        Ok(head) => head.starts_with(&GZIP_MAGIC),
        Err(e) => {
            reader = Box::new(BufReader::new(FailOnce(Some(e))));
            false
        }
    };
    if gzip {
        reader = Box::new(BufReader::with_capacity(BUF, MultiGzDecoder::new(reader)));
    }
    let format = match format {
        InputFormat::Auto => {
            let head = match reader.fill_buf() {
                Ok(head) => head.to_vec(),
                Err(e) => {
                    reader = Box::new(BufReader::new(FailOnce(Some(e))));
                    Vec::new()
                }
            };
            let bare = if gzip { strip_gz(&name) } else { &name };
            ingest::detect(bare, &head)
        }
        f => f,
    };
    Input { name, format, reader }
}

/// `name` without a final `.gz` (any case).
fn strip_gz(name: &str) -> &str {
    let n = name.len();
    if n >= 3 && name.is_char_boundary(n - 3) && name[n - 3..].eq_ignore_ascii_case(".gz") {
        &name[..n - 3]
    } else {
        name
    }
}

/// A reader whose first read gives this error; then it is empty.
struct FailOnce(Option<std::io::Error>);

impl Read for FailOnce {
    fn read(&mut self, _: &mut [u8]) -> std::io::Result<usize> {
        self.0.take().map_or(Ok(0), Err)
    }
}

fn cannot_read(name: &str, e: &std::io::Error) -> InputError {
    InputError::new(name, None, InputErrorKind::Io(e.to_string()))
}

/// A directory walk's error, named by the path that failed.
fn walk_error(root: &str, e: walkdir::Error) -> InputError {
    let name = e.path().map_or_else(|| root.to_string(), |p| p.to_string_lossy().into_owned());
    let reason = match (e.loop_ancestor(), e.io_error()) {
        (Some(ancestor), _) => format!("a symbolic link loop back to {}", ancestor.to_string_lossy()),
        (None, Some(io)) => io.to_string(),
        (None, None) => e.to_string(),
    };
    InputError::new(name, None, InputErrorKind::Io(reason))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gz_suffix_stripped_for_detection_only() {
        assert_eq!(strip_gz("a/corpus.jsonl.gz"), "a/corpus.jsonl");
        assert_eq!(strip_gz("X.TXT.GZ"), "X.TXT");
        assert_eq!(strip_gz("gz"), "gz");
        assert_eq!(strip_gz("é.gz"), "é");
        assert_eq!(strip_gz("ébc"), "ébc");
    }

    #[test]
    fn a_failed_head_read_is_given_once() {
        let mut r = FailOnce(Some(std::io::Error::other("bad")));
        assert_eq!(r.read(&mut [0; 4]).unwrap_err().to_string(), "bad");
        assert_eq!(r.read(&mut [0; 4]).unwrap(), 0);
    }
}
