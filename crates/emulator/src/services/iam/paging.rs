//! `Marker`/`MaxItems` pagination of IAM's `List…` operations.
//!
//! Lists are sorted by a key (a name); a marker is the hex-encoded key of the first item of the
//! next page, so pages stay correct when items are added or deleted between calls. AWS's
//! markers are opaque too, and clients only hand them back.

use super::errors::IamError;
use super::names::Checks;

/// One page of a list.
pub struct Page<T> {
    pub items: Vec<T>,
    pub is_truncated: bool,
    pub marker: Option<String>,
}

/// IAM's default page size.
const DEFAULT_MAX_ITEMS: i64 = 100;

/// Pages `items` (already in the order AWS lists them) by `key`.
pub fn paginate<T>(
    items: Vec<T>,
    key: impl Fn(&T) -> String,
    marker: Option<&str>,
    max_items: Option<i64>,
) -> Result<Page<T>, IamError> {
    let mut checks = Checks::iam();
    checks.max_items(max_items);
    checks.finish()?;
    let max_items = usize::try_from(max_items.unwrap_or(DEFAULT_MAX_ITEMS)).unwrap_or(1);
    let start = match marker {
        None => 0,
        Some(marker) => {
            let wanted = decode(marker).ok_or(IamError::InvalidMarker)?;
            items.iter().position(|item| key(item) >= wanted).unwrap_or(items.len())
        }
    };
    let mut rest: Vec<T> = items.into_iter().skip(start).collect();
    let next = if rest.len() > max_items { Some(encode(&key(&rest[max_items]))) } else { None };
    rest.truncate(max_items);
    Ok(Page { items: rest, is_truncated: next.is_some(), marker: next })
}

/// The entities whose path starts with `prefix` (`/` when none is given), paged by name without
/// case: how `ListRoles`, `ListUsers` and `ListGroups` list.
pub fn under_path<'a, T>(
    entities: impl IntoIterator<Item = &'a T>,
    path_of: impl Fn(&T) -> &str,
    name_of: impl Fn(&T) -> &str,
    prefix: Option<String>,
    marker: Option<&str>,
    max_items: Option<i64>,
) -> Result<Page<&'a T>, IamError> {
    let prefix = prefix.unwrap_or_else(|| "/".to_string());
    let mut checks = Checks::iam();
    checks.path_prefix("pathPrefix", &prefix);
    checks.finish()?;
    let listed: Vec<&T> =
        entities.into_iter().filter(|entity| path_of(entity).starts_with(&prefix)).collect();
    paginate(listed, |entity| name_of(entity).to_lowercase(), marker, max_items)
}

fn encode(key: &str) -> String {
    let hex: String = key.bytes().map(|b| format!("{b:02x}")).collect();
    format!("AW{hex}")
}

fn decode(marker: &str) -> Option<String> {
    let hex = marker.strip_prefix("AW")?;
    if hex.len() % 2 != 0 {
        return None;
    }
    let bytes: Option<Vec<u8>> = (0..hex.len())
        .step_by(2)
        .map(|i| hex.get(i..i + 2).and_then(|pair| u8::from_str_radix(pair, 16).ok()))
        .collect();
    String::from_utf8(bytes?).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(n: usize) -> Vec<String> {
        (0..n).map(|i| format!("role-{i:02}")).collect()
    }

    #[test]
    fn pages_follow_markers_to_the_end() {
        let first = paginate(names(5), String::clone, None, Some(2)).unwrap();
        assert_eq!(first.items, ["role-00", "role-01"]);
        assert!(first.is_truncated);
        let second = paginate(names(5), String::clone, first.marker.as_deref(), Some(2)).unwrap();
        assert_eq!(second.items, ["role-02", "role-03"]);
        let last = paginate(names(5), String::clone, second.marker.as_deref(), Some(2)).unwrap();
        assert_eq!((last.items.len(), last.is_truncated, last.marker), (1, false, None));
    }

    #[test]
    fn bad_markers_and_sizes_are_refused() {
        assert!(matches!(
            paginate(names(1), String::clone, Some("nope"), None),
            Err(IamError::InvalidMarker)
        ));
        let Err(IamError::Validation(v)) = paginate(names(1), String::clone, None, Some(0)) else {
            panic!()
        };
        assert_eq!(
            v,
            ["Value at 'maxItems' failed to satisfy constraint: Member must have value greater \
              than or equal to 1"]
        );
    }
}
