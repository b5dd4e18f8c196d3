//! Unique ids and keys in the shapes AWS gives them: `AROA…` roles, `AIDA…` users, `AGPA…`
//! groups, `ANPA…` policies, `AKIA…` users' access keys, `ASIA…` temporary access keys,
//! 40-character secrets and long session tokens.
//!
//! Ids come from the emulator's id source (`crate::ids`), so a seeded test gets the same ones.
//! The secret access key and the session token grant what the session may do, so they are
//! drawn from the operating system's secure generator instead (through UUID v4).

/// The alphabet of AWS unique ids (RFC 4648 base32).
const BASE32: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
const BASE64: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// `length` characters drawn from `alphabet` by the secure generator.
fn secret_text(alphabet: &[u8], length: usize) -> String {
    let mut text = String::with_capacity(length);
    while text.len() < length {
        for byte in uuid::Uuid::new_v4().into_bytes() {
            if text.len() == length {
                break;
            }
            text.push(char::from(alphabet[usize::from(byte) % alphabet.len()]));
        }
    }
    text
}

/// A unique id: a four-letter prefix and 17 base32 characters, 21 in all (`AROA…`, `ANPA…`).
pub fn unique_id(ids: &crate::ids::Ids, prefix: &str) -> String {
    format!("{prefix}{}", ids.text(BASE32, 17))
}

/// A user's (long-term) access key id: `AKIA` and 16 base32 characters.
pub fn access_key(ids: &crate::ids::Ids) -> String {
    format!("AKIA{}", ids.text(BASE32, 16))
}

/// A temporary access key id: `ASIA` and 16 base32 characters.
pub fn temporary_access_key(ids: &crate::ids::Ids) -> String {
    format!("ASIA{}", ids.text(BASE32, 16))
}

/// A secret access key: 40 base64 characters.
pub fn secret_access_key() -> String {
    secret_text(BASE64, 40)
}

/// A session token: opaque base64, a few hundred characters long like AWS's.
pub fn session_token() -> String {
    format!("IQoJb3JpZ2luX2VjE{}", secret_text(BASE64, 339))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_have_aws_shapes() {
        let ids = crate::ids::Ids::new(None);
        let role_id = unique_id(&ids, "AROA");
        assert_eq!(role_id.len(), 21);
        assert!(role_id.starts_with("AROA"));
        assert!(role_id.bytes().all(|b| b.is_ascii_uppercase() || (b'2'..=b'7').contains(&b)));
        assert_ne!(unique_id(&ids, "AROA"), unique_id(&ids, "AROA"));
        let key = temporary_access_key(&ids);
        assert_eq!((key.len(), &key[..4]), (20, "ASIA"));
        let key = access_key(&ids);
        assert_eq!((key.len(), &key[..4]), (20, "AKIA"));
        assert!(key[4..].bytes().all(|b| b.is_ascii_uppercase() || (b'2'..=b'7').contains(&b)));
        assert_eq!(secret_access_key().len(), 40);
        assert_ne!(secret_access_key(), secret_access_key());
        assert!(session_token().len() > 300);
    }
}
