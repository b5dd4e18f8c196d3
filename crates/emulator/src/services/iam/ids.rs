//! Unique ids and keys in the shapes AWS gives them: `AROA…` roles, `ANPA…` policies, `ASIA…`
//! temporary access keys, 40-character secrets and long session tokens.
//!
//! The randomness comes from UUID v4 (the `uuid` crate is already here); nothing about the
//! emulator depends on the values, only on their shape and uniqueness.

/// The alphabet of AWS unique ids (RFC 4648 base32).
const BASE32: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
const BASE64: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// `length` characters drawn from `alphabet`.
pub fn random_text(alphabet: &[u8], length: usize) -> String {
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
pub fn unique_id(prefix: &str) -> String {
    format!("{prefix}{}", random_text(BASE32, 17))
}

/// A temporary access key id: `ASIA` and 16 base32 characters.
pub fn temporary_access_key() -> String {
    format!("ASIA{}", random_text(BASE32, 16))
}

/// A secret access key: 40 base64 characters.
pub fn secret_access_key() -> String {
    random_text(BASE64, 40)
}

/// A session token: opaque base64, a few hundred characters long like AWS's.
pub fn session_token() -> String {
    format!("IQoJb3JpZ2luX2VjE{}", random_text(BASE64, 339))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_have_aws_shapes() {
        let role_id = unique_id("AROA");
        assert_eq!(role_id.len(), 21);
        assert!(role_id.starts_with("AROA"));
        assert!(role_id.bytes().all(|b| b.is_ascii_uppercase() || (b'2'..=b'7').contains(&b)));
        assert_ne!(unique_id("AROA"), unique_id("AROA"));
        let key = temporary_access_key();
        assert_eq!((key.len(), &key[..4]), (20, "ASIA"));
        assert_eq!(secret_access_key().len(), 40);
        assert!(session_token().len() > 300);
    }
}
