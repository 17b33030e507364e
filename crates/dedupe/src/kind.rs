//! What a column holds, which decides how it is normalised, compared and blocked on.

use std::{fmt, str::FromStr};

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldKind {
    Name,
    GivenName,
    Surname,
    Email,
    Phone,
    Company,
    Domain,
    Address,
    StreetNumber,
    City,
    Postcode,
    State,
    Country,
    Date,
    Id,
    Text,
    Ignore,
}

impl FieldKind {
    pub const ALL: [FieldKind; 17] = [
        FieldKind::Name,
        FieldKind::GivenName,
        FieldKind::Surname,
        FieldKind::Email,
        FieldKind::Phone,
        FieldKind::Company,
        FieldKind::Domain,
        FieldKind::Address,
        FieldKind::StreetNumber,
        FieldKind::City,
        FieldKind::Postcode,
        FieldKind::State,
        FieldKind::Country,
        FieldKind::Date,
        FieldKind::Id,
        FieldKind::Text,
        FieldKind::Ignore,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            FieldKind::Name => "name",
            FieldKind::GivenName => "given_name",
            FieldKind::Surname => "surname",
            FieldKind::Email => "email",
            FieldKind::Phone => "phone",
            FieldKind::Company => "company",
            FieldKind::Domain => "domain",
            FieldKind::Address => "address",
            FieldKind::StreetNumber => "street_number",
            FieldKind::City => "city",
            FieldKind::Postcode => "postcode",
            FieldKind::State => "state",
            FieldKind::Country => "country",
            FieldKind::Date => "date",
            FieldKind::Id => "id",
            FieldKind::Text => "text",
            FieldKind::Ignore => "ignore",
        }
    }

    /// The kind a column's name suggests ("E-mail address" -> email, "Last name" -> surname); `text`
    /// when nothing matches.
    pub fn guess(column: &str) -> FieldKind {
        let c: String = column
            .to_lowercase()
            .chars()
            .map(|ch| if ch.is_ascii_alphanumeric() { ch } else { ' ' })
            .collect();
        let words: Vec<&str> = c.split_whitespace().collect();
        let has = |w: &str| words.contains(&w);
        let joined = words.join("");
        if has("email") || has("mail") || joined.contains("email") {
            FieldKind::Email
        } else if has("phone") || has("mobile") || has("tel") || joined.contains("phone") {
            FieldKind::Phone
        } else if joined.contains("firstname") || has("given") || has("forename") || has("first") {
            FieldKind::GivenName
        } else if joined.contains("lastname") || has("surname") || has("family") || has("last") {
            FieldKind::Surname
        } else if has("company")
            || has("organization")
            || has("organisation")
            || has("account")
            || has("employer")
        {
            FieldKind::Company
        } else if has("domain") || has("website") || has("url") || has("web") {
            FieldKind::Domain
        } else if has("zip") || has("postcode") || joined.contains("postalcode") {
            FieldKind::Postcode
        } else if has("city") || has("town") || has("locality") {
            FieldKind::City
        } else if has("state") || has("province") || has("region") || has("county") {
            FieldKind::State
        } else if has("country") {
            FieldKind::Country
        } else if (has("street") || has("house")) && (has("number") || has("no")) {
            FieldKind::StreetNumber
        } else if has("address") || has("street") {
            FieldKind::Address
        } else if has("date") || has("dob") || has("birthday") || joined.contains("birth") {
            FieldKind::Date
        } else if has("id") || joined.ends_with("id") && words.len() == 1 && c.len() <= 4 {
            FieldKind::Id
        } else if has("name") || has("fullname") || joined == "name" {
            FieldKind::Name
        } else {
            FieldKind::Text
        }
    }
}

impl fmt::Display for FieldKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for FieldKind {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        FieldKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| {
                let known: Vec<&str> = FieldKind::ALL.iter().map(|k| k.as_str()).collect();
                format!("unknown field kind `{s}`; one of {}", known.join(", "))
            })
    }
}

#[cfg(test)]
mod tests {
    use super::FieldKind::{self, *};

    #[test]
    fn kinds_are_guessed_from_column_names() {
        for (column, kind) in [
            ("E-mail address", Email),
            ("email", Email),
            ("Mobile phone", Phone),
            ("first_name", GivenName),
            ("FirstName", GivenName),
            ("Last Name", Surname),
            ("surname", Surname),
            ("Company", Company),
            ("Account Name", Company),
            ("Website", Domain),
            ("zip", Postcode),
            ("City", City),
            ("Street address", Address),
            ("House number", StreetNumber),
            ("date_of_birth", Date),
            ("id", Id),
            ("Name", Name),
            ("notes", Text),
        ] {
            assert_eq!(FieldKind::guess(column), kind, "{column}");
        }
    }

    #[test]
    fn kinds_parse_by_name_and_say_which_exist() {
        assert_eq!("given_name".parse::<FieldKind>(), Ok(GivenName));
        let e = "nickname".parse::<FieldKind>().unwrap_err();
        assert!(e.contains("given_name") && e.contains("ignore"), "{e}");
    }
}
