//! labs/README.md documents the vocabulary of the format; these tests fail when the registry
//! gains a name the guide does not mention.

use awslab_lab::fields::Naming;
use awslab_lab::model::ResourceKind;
use awslab_lab::registry::{ActionKind, CONTEXT_VARIABLES, CheckKind, LOOKUPS};

fn guide() -> String {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../labs/README.md");
    std::fs::read_to_string(path).expect("labs/README.md")
}

/// The guide's table row that starts with `` | `name` ``.
fn row<'g>(guide: &'g str, name: &str) -> &'g str {
    let start = format!("| `{name}` |");
    guide
        .lines()
        .find(|line| line.starts_with(&start))
        .unwrap_or_else(|| panic!("labs/README.md has no table row for `{name}`"))
}

#[test]
fn every_action_and_its_parameters_are_documented() {
    let guide = guide();
    for action in ActionKind::ALL {
        let row = row(&guide, action.name());
        let spec = action.spec();
        for param in spec.required {
            assert!(row.contains(&format!("`{param}`*")), "{action}: `{param}`* missing");
        }
        for param in spec.optional {
            assert!(row.contains(&format!("`{param}`")), "{action}: `{param}` missing");
        }
    }
}

#[test]
fn every_check_kind_and_its_properties_are_documented() {
    let guide = guide();
    for kind in CheckKind::ALL {
        let row = row(&guide, kind.name());
        let spec = kind.spec();
        for key in spec.selector {
            assert!(row.contains(&format!("`{key}`*")), "{kind}: `{key}`* missing");
        }
        for name in spec.optional_selector.iter().chain(spec.properties) {
            assert!(row.contains(&format!("`{name}`")), "{kind}: `{name}` missing");
        }
    }
}

#[test]
fn every_naming_rule_resource_kind_variable_and_lookup_is_documented() {
    let guide = guide();
    for naming in Naming::ALL {
        row(&guide, naming.name());
    }
    for name in
        ResourceKind::ALL.map(ResourceKind::name).iter().chain(CONTEXT_VARIABLES).chain(LOOKUPS)
    {
        let mentioned = [format!("`{name}`"), format!("{{{{{name}}}}}"), format!("{{{{{name}:")]
            .iter()
            .any(|form| guide.contains(form.as_str()));
        assert!(mentioned, "`{name}` is not in labs/README.md");
    }
}
