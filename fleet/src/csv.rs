//! `--csv DIR`: the interval rows and the shards' totals as two CSV files. Both
//! files are opened before the run, so that a directory that cannot take them
//! costs nothing; an error names the file, not only the directory.

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

use postflow_core::fleet::stats::Report;

const FILES: [&str; 2] = ["intervals.csv", "shards.csv"];

/// Creates `dir` if need be and opens both files for writing (emptying them), or
/// says which cannot be written and why.
pub fn can_take_the_files(dir: &Path) -> Result<(), String> {
    // A file in the directory's place: the system's words for it were "File exists"
    // (os error 17), which reads as if existing were the fault.
    if dir.exists() && !dir.is_dir() {
        return Err(format!("cannot write the CSV files into {}: it is a file, not a directory", dir.display()));
    }
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot write the CSV files into {}: {e}", dir.display()))?;
    for name in FILES {
        open(&dir.join(name))?;
    }
    Ok(())
}

/// Writes the series of `report` into `dir`.
pub fn write(dir: &Path, report: &Report) -> Result<(), String> {
    for (name, text) in FILES.into_iter().zip([report.intervals_csv(), report.shards_csv()]) {
        let path = dir.join(name);
        open(&path)?.write_all(text.as_bytes()).map_err(|e| cannot(&path, e))?;
    }
    Ok(())
}

fn open(path: &PathBuf) -> Result<File, String> {
    File::create(path).map_err(|e| cannot(path, e))
}

fn cannot(path: &Path, e: std::io::Error) -> String {
    format!("cannot write {}: {e}", path.display())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_directory_in_place_of_a_file_is_named() {
        let dir = std::env::temp_dir().join(format!("fleet-csv-unit-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("shards.csv")).unwrap();
        let refused = can_take_the_files(&dir).unwrap_err();
        std::fs::remove_dir_all(&dir).unwrap();
        assert!(refused.starts_with(&format!("cannot write {}", dir.join("shards.csv").display())), "{refused}");
    }
}
