//! Given names and the nicknames people file them under: a nickname compares as its formal name.

/// (formal name, nicknames). Lower case, ASCII (names are folded before lookup).
const NICKNAMES: &[(&str, &[&str])] = &[
    ("abigail", &["abby", "gail"]),
    ("alexander", &["alex", "sandy", "xander"]),
    ("alexandra", &["alex", "sandra", "lexi"]),
    ("alfred", &["alf", "fred", "freddie"]),
    ("andrew", &["andy", "drew"]),
    ("anthony", &["tony"]),
    ("barbara", &["barb", "babs"]),
    ("benjamin", &["ben", "benji", "benny"]),
    ("catherine", &["cathy", "cat"]),
    ("charles", &["charlie", "chuck", "chas"]),
    ("christina", &["chris", "tina", "christy"]),
    ("christine", &["chris", "chrissy"]),
    ("christopher", &["chris", "kit", "topher"]),
    ("daniel", &["dan", "danny"]),
    ("david", &["dave", "davy"]),
    ("deborah", &["debbie", "deb"]),
    ("dorothy", &["dot", "dottie"]),
    ("edward", &["ed", "eddie", "ted", "ned"]),
    (
        "elizabeth",
        &["liz", "beth", "betty", "eliza", "lizzie", "libby"],
    ),
    ("emily", &["em", "emmy"]),
    ("frances", &["fran", "frankie"]),
    ("francis", &["frank"]),
    ("frederick", &["fred", "freddy"]),
    ("gabriel", &["gabe"]),
    ("gregory", &["greg"]),
    ("harold", &["harry", "hal"]),
    ("henry", &["hank", "harry"]),
    ("isabella", &["bella", "izzy"]),
    ("jacob", &["jake"]),
    ("james", &["jim", "jimmy", "jamie"]),
    ("jennifer", &["jen", "jenny"]),
    ("jessica", &["jess", "jessie"]),
    ("john", &["jack", "johnny"]),
    ("jonathan", &["jon", "jonny"]),
    ("joseph", &["joe", "joey"]),
    ("joshua", &["josh"]),
    ("judith", &["judy"]),
    ("katherine", &["kate", "kathy", "katie", "kat", "kitty"]),
    ("kathleen", &["kathy", "kate"]),
    ("kenneth", &["ken", "kenny"]),
    ("lawrence", &["larry"]),
    ("leonard", &["leo", "len", "lenny"]),
    ("margaret", &["maggie", "meg", "peggy", "marge", "greta"]),
    ("matthew", &["matt"]),
    ("michael", &["mike", "mikey", "mick"]),
    ("nancy", &["nan"]),
    ("nathaniel", &["nate", "nat"]),
    ("nicholas", &["nick", "nicky"]),
    ("olivia", &["liv", "livvy"]),
    ("patricia", &["pat", "patty", "trish", "tricia"]),
    ("patrick", &["pat", "paddy"]),
    ("peter", &["pete"]),
    ("philip", &["phil"]),
    ("rebecca", &["becky", "becca"]),
    ("richard", &["rick", "dick", "rich", "ricky"]),
    ("robert", &["bob", "rob", "bobby", "robbie", "bert"]),
    ("ronald", &["ron", "ronnie"]),
    ("samantha", &["sam", "sammy"]),
    ("samuel", &["sam", "sammy"]),
    ("stephanie", &["steph"]),
    ("stephen", &["steve"]),
    ("steven", &["steve"]),
    ("susan", &["sue", "susie"]),
    ("theodore", &["ted", "teddy", "theo"]),
    ("thomas", &["tom", "tommy"]),
    ("timothy", &["tim", "timmy"]),
    ("victoria", &["vicky", "tori"]),
    ("vincent", &["vince", "vinny"]),
    ("walter", &["walt", "wally"]),
    ("william", &["bill", "will", "billy", "willy", "liam"]),
    ("zachary", &["zach", "zack"]),
];

/// The formal name a (folded, lower-case) given name stands for: itself when it is not a nickname. A
/// nickname of several names (Chris, Pat, Sam) maps to the first, so Chris = Christopher = Christine;
/// the other fields tell those people apart.
pub fn formal(given: &str) -> &str {
    for (formal, nicknames) in NICKNAMES {
        if *formal == given || nicknames.contains(&given) {
            return formal;
        }
    }
    given
}

#[cfg(test)]
mod tests {
    use super::formal;

    #[test]
    fn nicknames_map_to_the_formal_name() {
        for (nick, want) in [
            ("bill", "william"),
            ("bob", "robert"),
            ("liz", "elizabeth"),
            ("william", "william"),
            ("zoe", "zoe"),
        ] {
            assert_eq!(formal(nick), want, "{nick}");
        }
    }
}
