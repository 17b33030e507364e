//! A HubSpot query string as its SDKs send it. `properties` and `associations` come repeated
//! (`?properties=a&properties=b`, the official Node and Python SDKs) or comma-joined (`?properties=a,b`,
//! the form in HubSpot's API reference); both are read the same.

/// The query's pairs in order, decoded.
pub struct Params(Vec<(String, String)>);

impl Params {
    pub fn new(pairs: Vec<(String, String)>) -> Self {
        Params(pairs)
    }

    /// Every value given for `name`, comma lists split; None when `name` is absent.
    pub fn list(&self, name: &str) -> Option<Vec<String>> {
        let mut found = false;
        let mut out = Vec::new();
        for (k, v) in &self.0 {
            if k == name {
                found = true;
                out.extend(
                    v.split(',')
                        .map(str::trim)
                        .filter(|s| !s.is_empty())
                        .map(str::to_owned),
                );
            }
        }
        found.then_some(out)
    }

    /// The last value given for `name`.
    pub fn one(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_and_comma_joined_lists_read_the_same() {
        let pairs = |q: &[(&str, &str)]| {
            Params::new(
                q.iter()
                    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                    .collect(),
            )
        };
        let repeated = pairs(&[
            ("properties", "email"),
            ("properties", "firstname"),
            ("limit", "5"),
        ]);
        let joined = pairs(&[("properties", "email, firstname"), ("limit", "5")]);
        assert_eq!(repeated.list("properties"), joined.list("properties"));
        assert_eq!(
            joined.list("properties").unwrap(),
            vec!["email".to_owned(), "firstname".to_owned()]
        );
        assert_eq!(repeated.one("limit"), Some("5"));
        assert_eq!(repeated.list("associations"), None);
    }
}
