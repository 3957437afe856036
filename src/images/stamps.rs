//! What was made of each image file as it last was: its plan and the
//! names of its copies in the cache, under a key of the file's path,
//! length and modification time and the settings it was made with. A
//! build that finds an image's stamp reads neither its header nor its
//! bytes; one without it reads and hashes the file to find its copies in
//! the cache, as before. Kept in `.cairn/cache/images/stamps.json`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};
use std::time::SystemTime;

use serde::{Deserialize, Serialize};

use super::Variant;
use super::process::Cache;

/// The file of stamps, in the cache folder.
pub const FILE: &str = "stamps.json";

/// What an image was made into.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stamp {
    /// Its size in pixels.
    pub width: u32,
    /// Its height.
    pub height: u32,
    /// The copies in its own format, as trimmed by weight.
    pub own: Vec<Variant>,
    /// The WebP copies.
    pub webp: Vec<Variant>,
    /// Each copy's output path and its file name in the cache.
    pub files: Vec<(String, String)>,
}

/// The stamps read at the start of a build and those it used or made.
pub struct Stamps {
    /// The file; `None` where there is no cache folder.
    file: Option<PathBuf>,
    old: OnceLock<HashMap<String, Stamp>>,
    used: Mutex<HashMap<String, Stamp>>,
}

/// The key of a file as it is now (`None` without a modification time:
/// such a file is always read).
pub fn key(
    abs: &Path,
    rel: &str,
    len: u64,
    modified: Option<SystemTime>,
    settings: &[&[u8]],
) -> Option<String> {
    let nanos = modified?
        .duration_since(SystemTime::UNIX_EPOCH)
        .ok()?
        .as_nanos();
    let mut parts: Vec<&[u8]> = vec![abs.as_os_str().as_encoded_bytes(), rel.as_bytes(), &[0]];
    let len = len.to_le_bytes();
    let nanos = nanos.to_le_bytes();
    parts.extend([&len[..], &nanos[..]]);
    parts.extend(settings);
    Some(Cache::key(&parts))
}

impl Stamps {
    /// The stamps kept in folder `dir`.
    pub fn new(dir: Option<&Path>) -> Stamps {
        Stamps {
            file: dir.map(|d| d.join(FILE)),
            old: OnceLock::new(),
            used: Mutex::new(HashMap::new()),
        }
    }

    fn old(&self) -> &HashMap<String, Stamp> {
        self.old.get_or_init(|| {
            self.file
                .as_ref()
                .and_then(|f| std::fs::read(f).ok())
                .and_then(|b| serde_json::from_slice(&b).ok())
                .unwrap_or_default()
        })
    }

    /// The stamp under `key`, if there is one (kept as used).
    pub fn get(&self, key: &str) -> Option<Stamp> {
        let mut used = self.used.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(s) = used.get(key) {
            return Some(s.clone());
        }
        let s = self.old().get(key)?.clone();
        used.insert(key.to_string(), s.clone());
        Some(s)
    }

    /// Records what the file under `key` was made into.
    pub fn put(&self, key: String, stamp: Stamp) {
        self.used
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(key, stamp);
    }

    /// Writes the stamps down where they changed: after a full build
    /// (`all_used`) only those it used, else the old ones too. Written
    /// to a temporary name and renamed; a failure only costs the next
    /// build the reading of its images.
    pub fn save(&self, all_used: bool) {
        let Some(file) = &self.file else {
            return;
        };
        let used = self.used.lock().unwrap_or_else(|e| e.into_inner());
        let old = self.old();
        let mut keep: HashMap<&String, &Stamp> = HashMap::new();
        if !all_used {
            keep.extend(old.iter());
        }
        keep.extend(used.iter());
        let same = keep.len() == old.len() && keep.iter().all(|(k, v)| old.get(*k) == Some(*v));
        if same || (keep.is_empty() && !file.exists()) {
            return;
        }
        let Ok(json) = serde_json::to_vec(&keep) else {
            return;
        };
        let tmp = file.with_extension(format!("{}.tmp", std::process::id()));
        if std::fs::write(&tmp, json)
            .and_then(|()| std::fs::rename(&tmp, file))
            .is_err()
        {
            let _ = std::fs::remove_file(&tmp);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_change_with_the_file_and_the_settings() {
        let t = SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_700_000_000);
        let later = t + std::time::Duration::from_nanos(1);
        let p = Path::new("/site/content/a.jpg");
        let k = key(p, "a.jpg", 10, Some(t), &[b"480"]).unwrap();
        assert_eq!(Some(k.clone()), key(p, "a.jpg", 10, Some(t), &[b"480"]));
        for other in [
            key(p, "a.jpg", 11, Some(t), &[b"480"]),
            key(p, "a.jpg", 10, Some(later), &[b"480"]),
            key(p, "b.jpg", 10, Some(t), &[b"480"]),
            key(Path::new("/x/a.jpg"), "a.jpg", 10, Some(t), &[b"480"]),
            key(p, "a.jpg", 10, Some(t), &[b"800"]),
        ] {
            assert_ne!(Some(k.clone()), other);
        }
        assert_eq!(key(p, "a.jpg", 10, None, &[]), None);
    }

    #[test]
    fn a_full_build_keeps_only_what_it_used() {
        let dir = std::env::temp_dir().join(format!("cairn-stamps-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let stamp = |w| Stamp {
            width: w,
            height: 1,
            own: Vec::new(),
            webp: Vec::new(),
            files: vec![("a-1w.jpg".into(), "0123.jpg".into())],
        };
        let s = Stamps::new(Some(&dir));
        s.put("a".into(), stamp(1));
        s.put("b".into(), stamp(2));
        s.save(true);
        let s = Stamps::new(Some(&dir));
        assert_eq!(s.get("a"), Some(stamp(1)));
        s.save(false);
        assert!(Stamps::new(Some(&dir)).get("b").is_some(), "kept");
        let s = Stamps::new(Some(&dir));
        assert!(s.get("a").is_some());
        s.save(true);
        let s = Stamps::new(Some(&dir));
        assert!(s.get("b").is_none(), "pruned");
        assert_eq!(s.get("a"), Some(stamp(1)));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
