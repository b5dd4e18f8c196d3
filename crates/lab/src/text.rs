//! Text in the two languages of the course: Korean first, English second.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// A language the labs are written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    Ko,
    En,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::Ko, Lang::En];

    pub fn code(self) -> &'static str {
        match self {
            Lang::Ko => "ko",
            Lang::En => "en",
        }
    }

    /// The lesson file of a lab in this language.
    pub fn lesson_file(self) -> &'static str {
        match self {
            Lang::Ko => "ko.md",
            Lang::En => "en.md",
        }
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for Lang {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "ko" => Ok(Lang::Ko),
            "en" => Ok(Lang::En),
            other => Err(format!("unknown language `{other}`: expected `ko` or `en`")),
        }
    }
}

/// The same text in Korean and English.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct Localized {
    pub ko: String,
    pub en: String,
}

impl Localized {
    pub fn new(ko: impl Into<String>, en: impl Into<String>) -> Self {
        Self { ko: ko.into(), en: en.into() }
    }

    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Ko => &self.ko,
            Lang::En => &self.en,
        }
    }

    pub(crate) fn get_mut(&mut self, lang: Lang) -> &mut String {
        match lang {
            Lang::Ko => &mut self.ko,
            Lang::En => &mut self.en,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picks_the_text_of_a_language() {
        let title = Localized::new("서버리스 API", "Serverless API");
        assert_eq!(title.get(Lang::Ko), "서버리스 API");
        assert_eq!(title.get(Lang::En), "Serverless API");
        assert_eq!("en".parse::<Lang>(), Ok(Lang::En));
        assert!("jp".parse::<Lang>().unwrap_err().contains("expected `ko` or `en`"));
    }
}
