//! Which resource and method of a deployed tree serve a request, as API Gateway matches them:
//! a literal path part beats a `{parameter}`, which beats a greedy `{proxy+}` (which takes one
//! or more segments); a method of the request's verb beats `ANY`. Nothing matching is AWS's
//! `403 Missing Authentication Token`.

use super::super::model::{Method, Resource, path_of};
use std::collections::BTreeMap;

/// The resource a path reaches, with its path parameters.
#[derive(Debug, Clone, PartialEq)]
pub struct Matched {
    pub resource_id: String,
    /// The resource's path template (`/pets/{petId}`).
    pub resource_path: String,
    pub path_parameters: BTreeMap<String, String>,
}

/// The most specific resource for `path` (`/pets/123`), if any.
pub fn find(resources: &[Resource], path: &str) -> Option<Matched> {
    let root = resources.iter().find(|resource| resource.parent_id.is_none())?;
    let segments: Vec<String> = (path.split('/'))
        .filter(|segment| !segment.is_empty())
        .map(|segment| {
            percent_encoding::percent_decode_str(segment).decode_utf8_lossy().into_owned()
        })
        .collect();
    let mut parameters = BTreeMap::new();
    let id = descend(resources, root, &segments, &mut parameters)?;
    Some(Matched {
        resource_path: path_of(resources, &id),
        resource_id: id,
        path_parameters: parameters,
    })
}

fn descend(
    resources: &[Resource],
    node: &Resource,
    segments: &[String],
    parameters: &mut BTreeMap<String, String>,
) -> Option<String> {
    let Some((first, rest)) = segments.split_first() else { return Some(node.id.clone()) };
    let children: Vec<&Resource> = resources
        .iter()
        .filter(|child| child.parent_id.as_deref() == Some(node.id.as_str()))
        .collect();
    let part = |child: &&Resource| child.path_part.clone().unwrap_or_default();
    if let Some(child) = children.iter().find(|child| part(child) == *first)
        && let Some(found) = descend(resources, child, rest, parameters)
    {
        return Some(found);
    }
    if let Some(child) =
        children.iter().find(|child| variable(&part(child)).is_some_and(|(_, greedy)| !greedy))
    {
        let (name, _) = variable(&part(child)).unwrap_or_default();
        parameters.insert(name.clone(), first.clone());
        if let Some(found) = descend(resources, child, rest, parameters) {
            return Some(found);
        }
        parameters.remove(&name);
    }
    if let Some(child) =
        children.iter().find(|child| variable(&part(child)).is_some_and(|(_, greedy)| greedy))
    {
        let (name, _) = variable(&part(child)).unwrap_or_default();
        parameters.insert(name, segments.join("/"));
        return Some(child.id.clone());
    }
    None
}

/// `{name}` or `{name+}`: the name, and whether it is greedy.
fn variable(part: &str) -> Option<(String, bool)> {
    let inner = part.strip_prefix('{')?.strip_suffix('}')?;
    Some(match inner.strip_suffix('+') {
        Some(name) => (name.to_string(), true),
        None => (inner.to_string(), false),
    })
}

/// The method that serves `verb` on a resource: its own, else `ANY`.
pub fn method<'a>(resource: &'a Resource, verb: &str) -> Option<&'a Method> {
    resource.methods.get(verb).or_else(|| resource.methods.get("ANY"))
}

/// The path parameters a concrete path gives a template (`TestInvokeMethod` names the resource
/// and gives a path); none when the path does not fit the template.
pub fn parameters_for(template: &str, path: &str) -> BTreeMap<String, String> {
    let wanted: Vec<&str> = template.split('/').filter(|s| !s.is_empty()).collect();
    let given: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let mut parameters = BTreeMap::new();
    for (index, part) in wanted.iter().enumerate() {
        match variable(part) {
            Some((name, true)) if index < given.len() => {
                parameters.insert(name, given[index..].join("/"));
                return parameters;
            }
            Some((name, false)) if index < given.len() => {
                parameters.insert(name, given[index].to_string());
            }
            None if given.get(index) == Some(part) => {}
            _ => return BTreeMap::new(),
        }
    }
    if wanted.len() == given.len() { parameters } else { BTreeMap::new() }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree() -> Vec<Resource> {
        let node = |id: &str, parent: Option<&str>, part: Option<&str>| Resource {
            id: id.into(),
            parent_id: parent.map(Into::into),
            path_part: part.map(Into::into),
            methods: BTreeMap::new(),
        };
        vec![
            node("root", None, None),
            node("pets", Some("root"), Some("pets")),
            node("pet", Some("pets"), Some("{petId}")),
            node("mine", Some("pets"), Some("mine")),
            node("proxy", Some("root"), Some("{proxy+}")),
        ]
    }

    #[test]
    fn the_most_specific_resource_wins() {
        let tree = tree();
        assert_eq!(find(&tree, "/").unwrap().resource_id, "root");
        assert_eq!(find(&tree, "/pets").unwrap().resource_id, "pets");
        assert_eq!(find(&tree, "/pets/mine").unwrap().resource_id, "mine");
        let pet = find(&tree, "/pets/123").unwrap();
        assert_eq!(
            (pet.resource_id.as_str(), pet.resource_path.as_str()),
            ("pet", "/pets/{petId}")
        );
        assert_eq!(pet.path_parameters["petId"], "123");
        let other = find(&tree, "/wrong/a/b").unwrap();
        assert_eq!(other.resource_id, "proxy");
        assert_eq!(other.path_parameters["proxy"], "wrong/a/b");
        assert_eq!(find(&tree, "/pets/1/2").unwrap().resource_id, "proxy");
    }

    #[test]
    fn without_a_greedy_resource_unknown_paths_match_nothing() {
        let tree: Vec<Resource> = tree().into_iter().filter(|r| r.id != "proxy").collect();
        assert_eq!(find(&tree, "/wrong"), None);
        assert_eq!(find(&tree, "/pets/1/2"), None);
    }

    #[test]
    fn a_template_gives_a_concrete_path_its_parameters() {
        assert_eq!(parameters_for("/pets/{petId}", "/pets/123")["petId"], "123");
        assert_eq!(parameters_for("/{proxy+}", "/a/b")["proxy"], "a/b");
        assert!(parameters_for("/pets/{petId}", "/random/test").is_empty());
    }
}
