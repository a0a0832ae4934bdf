//! The crate boundaries of DESIGN.md, checked against the real dependency graph.
//!
//! The allow-list is `[workspace.metadata.modules]` in the root `Cargo.toml`. The checker
//! fails on any workspace dependency (normal, build or dev) not allowed there, on any crate
//! without an entry, on any cycle, on an allow-list that itself breaks DESIGN.md's shape
//! (api crates depend on at most `kernel`; a domain crate on `kernel` and api crates, never
//! on another domain's implementation), and on any `*-api` crate that links diesel,
//! actix-web, tera or tantivy, directly or through another crate.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::process::Command;

use serde_json::Value;

/// Libraries an api crate must never link: they would tie the port to one process.
const FORBIDDEN_IN_API: [&str; 4] = ["diesel", "actix-web", "tera", "tantivy"];

/// Crates where modules meet; the only ones allowed to depend on implementation crates.
const COMPOSITION_ROOTS: [&str; 2] = ["server", "quire-suite"];

/// The workspace's crates and their dependencies on each other.
#[derive(Debug, Default)]
struct Graph {
    /// Workspace crate → workspace crates it depends on (any kind).
    edges: BTreeMap<String, BTreeSet<String>>,
    /// `*-api` crate → every package it links (normal and build dependencies, transitively).
    linked_by_api: BTreeMap<String, BTreeSet<String>>,
}

type AllowList = BTreeMap<String, BTreeSet<String>>;

#[derive(Debug, PartialEq, Eq)]
enum Violation {
    Forbidden {
        from: String,
        to: String,
    },
    NoEntry(String),
    StaleEntry(String),
    Cycle(Vec<String>),
    AllowListBreaksDesign {
        from: String,
        to: String,
        rule: &'static str,
    },
    ApiLinks {
        api: String,
        library: String,
    },
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Violation::Forbidden { from, to } => write!(
                f,
                "{from} -> {to}: not in [workspace.metadata.modules].{from}; go through {to}'s api crate, or add it only if DESIGN.md allows"
            ),
            Violation::NoEntry(name) => write!(
                f,
                "{name} has no entry in [workspace.metadata.modules]: add one listing what it may depend on"
            ),
            Violation::StaleEntry(name) => write!(
                f,
                "[workspace.metadata.modules] names {name}, which is not a workspace crate"
            ),
            Violation::Cycle(path) => write!(f, "dependency cycle: {}", path.join(" -> ")),
            Violation::AllowListBreaksDesign { from, to, rule } => {
                write!(
                    f,
                    "allow-list entry {from} -> {to} breaks DESIGN.md: {rule}"
                )
            }
            Violation::ApiLinks { api, library } => write!(
                f,
                "{api} links {library}: api crates hold plain types and traits only"
            ),
        }
    }
}

fn is_api(name: &str) -> bool {
    name.ends_with("-api")
}

/// Checks `graph` against `allow`; returns every violation found, in a stable order.
fn check(graph: &Graph, allow: &AllowList) -> Vec<Violation> {
    let mut violations = Vec::new();
    for (from, deps) in &graph.edges {
        let Some(allowed) = allow.get(from) else {
            violations.push(Violation::NoEntry(from.clone()));
            continue;
        };
        for to in deps {
            if !allowed.contains(to) {
                violations.push(Violation::Forbidden {
                    from: from.clone(),
                    to: to.clone(),
                });
            }
        }
    }
    for name in allow.keys() {
        if !graph.edges.contains_key(name) {
            violations.push(Violation::StaleEntry(name.clone()));
        }
    }
    for (from, allowed) in allow {
        for to in allowed {
            let rule = if is_api(from) && to != "kernel" {
                Some("an api crate may depend on kernel at most")
            } else if !COMPOSITION_ROOTS.contains(&from.as_str()) && !is_api(to) && to != "kernel" {
                Some("only the composition root may depend on another module's implementation")
            } else {
                None
            };
            if let Some(rule) = rule {
                violations.push(Violation::AllowListBreaksDesign {
                    from: from.clone(),
                    to: to.clone(),
                    rule,
                });
            }
        }
    }
    violations.extend(find_cycle(&graph.edges).map(Violation::Cycle));
    for (api, linked) in &graph.linked_by_api {
        for library in FORBIDDEN_IN_API {
            if linked.contains(library) {
                violations.push(Violation::ApiLinks {
                    api: api.clone(),
                    library: library.to_owned(),
                });
            }
        }
    }
    violations
}

/// Finds one cycle, as the path that closes it (`a -> b -> a`), if there is any.
fn find_cycle(edges: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        Visiting,
        Done,
    }
    fn visit(
        node: &str,
        edges: &BTreeMap<String, BTreeSet<String>>,
        marks: &mut BTreeMap<String, Mark>,
        path: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        match marks.get(node) {
            Some(Mark::Done) => return None,
            Some(Mark::Visiting) => {
                let start = path.iter().position(|n| n == node).unwrap_or(0);
                let mut cycle = path[start..].to_vec();
                cycle.push(node.to_owned());
                return Some(cycle);
            }
            None => {}
        }
        marks.insert(node.to_owned(), Mark::Visiting);
        path.push(node.to_owned());
        for next in edges.get(node).into_iter().flatten() {
            if let Some(cycle) = visit(next, edges, marks, path) {
                return Some(cycle);
            }
        }
        path.pop();
        marks.insert(node.to_owned(), Mark::Done);
        None
    }
    let mut marks = BTreeMap::new();
    edges
        .keys()
        .find_map(|node| visit(node, edges, &mut marks, &mut Vec::new()))
}

/// Runs `cargo metadata` on this workspace.
fn metadata() -> Value {
    let output = Command::new(env!("CARGO"))
        .args(["metadata", "--format-version", "1", "--manifest-path"])
        .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml"))
        .output()
        .expect("run cargo metadata");
    assert!(
        output.status.success(),
        "cargo metadata failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("cargo metadata prints JSON")
}

fn allow_list(metadata: &Value) -> AllowList {
    let modules = metadata["metadata"]["modules"]
        .as_object()
        .expect("[workspace.metadata.modules] exists in the root Cargo.toml");
    modules
        .iter()
        .map(|(name, allowed)| {
            let allowed = allowed
                .as_array()
                .unwrap_or_else(|| panic!("entry {name} must be a list of crate names"))
                .iter()
                .map(|v| v.as_str().expect("crate names are strings").to_owned())
                .collect();
            (name.clone(), allowed)
        })
        .collect()
}

fn graph(metadata: &Value) -> Graph {
    let members: BTreeSet<&str> = metadata["workspace_members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    let name_of: BTreeMap<&str, &str> = metadata["packages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["id"].as_str().unwrap(), p["name"].as_str().unwrap()))
        .collect();
    let nodes = metadata["resolve"]["nodes"].as_array().unwrap();
    // Every resolved edge, tagged with whether it is a dev-only dependency.
    let mut resolved: BTreeMap<&str, Vec<(&str, bool)>> = BTreeMap::new();
    for node in nodes {
        let id = node["id"].as_str().unwrap();
        for dep in node["deps"].as_array().unwrap() {
            let dev_only = dep["dep_kinds"]
                .as_array()
                .unwrap()
                .iter()
                .all(|k| k["kind"].as_str() == Some("dev"));
            resolved
                .entry(id)
                .or_default()
                .push((dep["pkg"].as_str().unwrap(), dev_only));
        }
    }

    let mut graph = Graph::default();
    for member in &members {
        let name = name_of[member].to_owned();
        let deps = resolved
            .get(member)
            .into_iter()
            .flatten()
            .filter(|(pkg, _)| members.contains(pkg))
            .map(|(pkg, _)| name_of[pkg].to_owned())
            .collect();
        graph.edges.insert(name.clone(), deps);
        if is_api(&name) {
            let mut linked = BTreeSet::new();
            let mut stack = vec![*member];
            let mut seen = BTreeSet::new();
            while let Some(pkg) = stack.pop() {
                if !seen.insert(pkg) {
                    continue;
                }
                for (dep, dev_only) in resolved.get(pkg).into_iter().flatten() {
                    if !dev_only {
                        linked.insert(name_of[dep].to_owned());
                        stack.push(dep);
                    }
                }
            }
            graph.linked_by_api.insert(name, linked);
        }
    }
    graph
}

#[test]
fn the_real_workspace_keeps_its_boundaries() {
    let metadata = metadata();
    let graph = graph(&metadata);
    for expected in [
        "kernel",
        "profiles",
        "profiles-api",
        "posts",
        "posts-api",
        "comments",
        "comments-api",
        "search",
        "search-api",
        "server",
        "quire-suite",
    ] {
        assert!(
            graph.edges.contains_key(expected),
            "{expected} is a workspace crate"
        );
    }
    assert!(
        graph.edges["server"].contains("posts"),
        "the graph is read for real: server depends on posts"
    );
    let violations = check(&graph, &allow_list(&metadata));
    let report: Vec<String> = violations.iter().map(ToString::to_string).collect();
    assert!(
        violations.is_empty(),
        "crate boundaries broken:\n{}",
        report.join("\n")
    );
}

// --- The checker itself, fed graphs that must fail. ---

fn set(names: &[&str]) -> BTreeSet<String> {
    names.iter().map(|s| (*s).to_owned()).collect()
}

fn small_graph(edges: &[(&str, &[&str])]) -> Graph {
    Graph {
        edges: edges
            .iter()
            .map(|(from, to)| ((*from).to_owned(), set(to)))
            .collect(),
        linked_by_api: BTreeMap::new(),
    }
}

fn small_allow(entries: &[(&str, &[&str])]) -> AllowList {
    entries
        .iter()
        .map(|(from, to)| ((*from).to_owned(), set(to)))
        .collect()
}

fn sound_allow() -> AllowList {
    small_allow(&[
        ("kernel", &[]),
        ("posts-api", &[]),
        ("posts", &["kernel", "posts-api"]),
        ("comments-api", &[]),
        ("comments", &["kernel", "comments-api", "posts-api"]),
        (
            "server",
            &["kernel", "posts", "posts-api", "comments", "comments-api"],
        ),
    ])
}

fn sound_graph() -> Graph {
    small_graph(&[
        ("kernel", &[]),
        ("posts-api", &[]),
        ("posts", &["kernel", "posts-api"]),
        ("comments-api", &[]),
        ("comments", &["kernel", "comments-api", "posts-api"]),
        (
            "server",
            &["kernel", "posts", "posts-api", "comments", "comments-api"],
        ),
    ])
}

#[test]
fn checker_accepts_a_sound_graph() {
    assert_eq!(check(&sound_graph(), &sound_allow()), vec![]);
}

#[test]
fn checker_names_a_domain_crate_depending_on_another_domain_crate() {
    let mut graph = sound_graph();
    graph
        .edges
        .get_mut("comments")
        .unwrap()
        .insert("posts".into());
    let violations = check(&graph, &sound_allow());
    assert_eq!(
        violations,
        vec![Violation::Forbidden {
            from: "comments".into(),
            to: "posts".into()
        }]
    );
    assert!(violations[0].to_string().starts_with("comments -> posts"));
}

#[test]
fn checker_refuses_an_allow_list_that_permits_what_design_forbids() {
    let mut graph = sound_graph();
    graph
        .edges
        .get_mut("comments")
        .unwrap()
        .insert("posts".into());
    let mut allow = sound_allow();
    allow.get_mut("comments").unwrap().insert("posts".into());
    allow
        .get_mut("posts-api")
        .unwrap()
        .insert("comments-api".into());
    let violations = check(&graph, &allow);
    assert!(violations.contains(&Violation::AllowListBreaksDesign {
        from: "comments".into(),
        to: "posts".into(),
        rule: "only the composition root may depend on another module's implementation",
    }));
    assert!(violations.contains(&Violation::AllowListBreaksDesign {
        from: "posts-api".into(),
        to: "comments-api".into(),
        rule: "an api crate may depend on kernel at most",
    }));
}

#[test]
fn checker_requires_an_entry_for_every_crate() {
    let mut graph = sound_graph();
    graph.edges.insert("search".into(), set(&["kernel"]));
    assert_eq!(
        check(&graph, &sound_allow()),
        vec![Violation::NoEntry("search".into())]
    );
    let mut allow = sound_allow();
    allow.insert("ghost".into(), BTreeSet::new());
    assert_eq!(
        check(&sound_graph(), &allow),
        vec![Violation::StaleEntry("ghost".into())]
    );
}

#[test]
fn checker_finds_cycles() {
    let graph = small_graph(&[("a", &["b"]), ("b", &["c"]), ("c", &["a"])]);
    let allow = small_allow(&[("a", &["b"]), ("b", &["c"]), ("c", &["a"])]);
    let violations = check(&graph, &allow);
    let cycle = violations
        .iter()
        .find_map(|v| match v {
            Violation::Cycle(path) => Some(path.clone()),
            _ => None,
        })
        .expect("cycle reported");
    assert_eq!(cycle, ["a", "b", "c", "a"]);
    assert_eq!(find_cycle(&sound_graph().edges), None);
}

#[test]
fn checker_catches_an_api_crate_linking_the_database() {
    let mut graph = sound_graph();
    graph.linked_by_api.insert(
        "posts-api".into(),
        set(&["serde", "diesel", "libsqlite3-sys"]),
    );
    assert_eq!(
        check(&graph, &sound_allow()),
        vec![Violation::ApiLinks {
            api: "posts-api".into(),
            library: "diesel".into()
        }]
    );
}
