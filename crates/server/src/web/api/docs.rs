//! `GET /api/docs`: the OpenAPI document as a page in the site's design, rendered on the
//! server from the generated document (no script, nothing from elsewhere: the site's CSP
//! holds).

use actix_web::http::header;
use actix_web::{HttpResponse, web};
use serde::Serialize;
use serde_json::Value;

use super::openapi::DOCUMENT;
use crate::web::AppState;
use crate::web::chrome::Chrome;
use crate::web::errors::PageError;

/// A type as the page writes it, with the schema it links to, if any.
#[derive(Debug, Serialize, PartialEq, Eq)]
struct Kind {
    /// E.g. `string (date-time)`, `array of Article`.
    text: String,
    /// The component schema to link to.
    schema: Option<String>,
}

/// One parameter of an operation.
#[derive(Debug, Serialize)]
struct Parameter {
    name: String,
    location: String,
    required: bool,
    kind: Kind,
    description: String,
}

/// A request or response body.
#[derive(Debug, Serialize)]
struct Body {
    content_type: String,
    kind: Kind,
}

/// One response of an operation.
#[derive(Debug, Serialize)]
struct Response {
    status: String,
    description: String,
    body: Option<Body>,
}

/// One operation (method and path).
#[derive(Debug, Serialize)]
struct Operation {
    anchor: String,
    method: String,
    path: String,
    summary: String,
    description: String,
    auth: &'static str,
    parameters: Vec<Parameter>,
    request: Option<Body>,
    responses: Vec<Response>,
}

/// One field of a schema.
#[derive(Debug, Serialize)]
struct Field {
    name: String,
    kind: Kind,
    required: bool,
    description: String,
}

/// One component schema.
#[derive(Debug, Serialize)]
struct Schema {
    name: String,
    description: String,
    fields: Vec<Field>,
}

/// Text of a string member, or empty.
fn text(value: &Value, key: &str) -> String {
    value
        .get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}

/// The type of `schema` in words.
fn kind(schema: &Value) -> Kind {
    if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        let name = reference.rsplit('/').next().unwrap_or(reference).to_owned();
        return Kind {
            text: name.clone(),
            schema: Some(name),
        };
    }
    for combinator in ["oneOf", "anyOf", "allOf"] {
        if let Some(options) = schema.get(combinator).and_then(Value::as_array) {
            let kinds: Vec<Kind> = options.iter().map(kind).collect();
            let linked = kinds.iter().find_map(|k| k.schema.clone());
            let texts: Vec<String> = kinds.into_iter().map(|k| k.text).collect();
            return Kind {
                text: texts.join(" or "),
                schema: linked,
            };
        }
    }
    let types: Vec<String> = match schema.get("type") {
        Some(Value::String(t)) => vec![t.clone()],
        Some(Value::Array(ts)) => ts
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect(),
        _ => Vec::new(),
    };
    let nullable = types.iter().any(|t| t == "null");
    let main = types
        .iter()
        .find(|t| *t != "null")
        .cloned()
        .unwrap_or_else(|| "any".to_owned());
    let mut described = match main.as_str() {
        "array" => {
            let items = schema.get("items").map(kind).unwrap_or(Kind {
                text: "any".into(),
                schema: None,
            });
            Kind {
                text: format!("array of {}", items.text),
                schema: items.schema,
            }
        }
        "object" => match schema.get("additionalProperties") {
            Some(values) if values.is_object() => {
                let values = kind(values);
                Kind {
                    text: format!("map of {}", values.text),
                    schema: values.schema,
                }
            }
            _ => Kind {
                text: "object".into(),
                schema: None,
            },
        },
        other => Kind {
            text: match schema.get("format").and_then(Value::as_str) {
                Some(format) => format!("{other} ({format})"),
                None => other.to_owned(),
            },
            schema: None,
        },
    };
    if nullable {
        described.text.push_str(", or null");
    }
    described
}

/// The first body in a `content` map.
fn body(content: Option<&Value>) -> Option<Body> {
    let (content_type, media) = content?.as_object()?.iter().next()?;
    Some(Body {
        content_type: content_type.clone(),
        kind: media.get("schema").map_or(
            Kind {
                text: "any".into(),
                schema: None,
            },
            kind,
        ),
    })
}

/// Whether an operation needs, accepts or ignores a token.
fn auth(operation: &Value) -> &'static str {
    match operation.get("security").and_then(Value::as_array) {
        None => "none",
        Some(options)
            if options
                .iter()
                .any(|o| o.as_object().is_some_and(|o| o.is_empty())) =>
        {
            "optional"
        }
        Some(_) => "required",
    }
}

/// Every operation of the document, in its order.
fn operations(document: &Value) -> Vec<Operation> {
    let mut found = Vec::new();
    let Some(paths) = document.get("paths").and_then(Value::as_object) else {
        return found;
    };
    for (path, item) in paths {
        let Some(item) = item.as_object() else {
            continue;
        };
        for (method, operation) in item {
            let parameters = operation
                .get("parameters")
                .and_then(Value::as_array)
                .map(|ps| {
                    ps.iter()
                        .map(|p| Parameter {
                            name: text(p, "name"),
                            location: text(p, "in"),
                            required: p.get("required").and_then(Value::as_bool) == Some(true),
                            kind: p.get("schema").map_or(
                                Kind {
                                    text: "any".into(),
                                    schema: None,
                                },
                                kind,
                            ),
                            description: text(p, "description"),
                        })
                        .collect()
                })
                .unwrap_or_default();
            let responses = operation
                .get("responses")
                .and_then(Value::as_object)
                .map(|rs| {
                    rs.iter()
                        .map(|(status, r)| Response {
                            status: status.clone(),
                            description: text(r, "description"),
                            body: body(r.get("content")),
                        })
                        .collect()
                })
                .unwrap_or_default();
            found.push(Operation {
                anchor: text(operation, "operationId"),
                method: method.to_uppercase(),
                path: path.clone(),
                summary: text(operation, "summary"),
                description: text(operation, "description"),
                auth: auth(operation),
                parameters,
                request: body(operation.get("requestBody").and_then(|b| b.get("content"))),
                responses,
            });
        }
    }
    found
}

/// Every component schema of the document.
fn schemas(document: &Value) -> Vec<Schema> {
    let Some(schemas) = document
        .pointer("/components/schemas")
        .and_then(Value::as_object)
    else {
        return Vec::new();
    };
    schemas
        .iter()
        .map(|(name, schema)| {
            let required: Vec<&str> = schema
                .get("required")
                .and_then(Value::as_array)
                .map(|r| r.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            let fields = schema
                .get("properties")
                .and_then(Value::as_object)
                .map(|ps| {
                    ps.iter()
                        .map(|(field, s)| Field {
                            name: field.clone(),
                            kind: kind(s),
                            required: required.contains(&field.as_str()),
                            description: text(s, "description"),
                        })
                        .collect()
                })
                .unwrap_or_default();
            Schema {
                name: name.clone(),
                description: text(schema, "description"),
                fields,
            }
        })
        .collect()
}

/// `GET /api/docs`
pub(crate) async fn page(state: web::Data<AppState>) -> Result<HttpResponse, PageError> {
    let document = serde_json::to_value(&*DOCUMENT).unwrap_or(Value::Null);
    let html = state
        .pages
        .render(&Chrome::anonymous(), "api_docs.html", |context| {
            context.insert("title", &text(&document["info"], "title"));
            context.insert("version", &text(&document["info"], "version"));
            context.insert("description", &text(&document["info"], "description"));
            context.insert("operations", &operations(&document));
            context.insert("schemas", &schemas(&document));
        })?;
    Ok(HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .body(html))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_read_as_words() {
        let json = |text: &str| serde_json::from_str::<Value>(text).unwrap();
        assert_eq!(
            kind(&json(r##"{"$ref": "#/components/schemas/Article"}"##)).text,
            "Article"
        );
        assert_eq!(
            kind(&json(
                r##"{"type": "array", "items": {"$ref": "#/components/schemas/Tag"}}"##
            )),
            Kind {
                text: "array of Tag".into(),
                schema: Some("Tag".into())
            }
        );
        assert_eq!(
            kind(&json(
                r#"{"type": ["string", "null"], "format": "date-time"}"#
            ))
            .text,
            "string (date-time), or null"
        );
    }

    #[test]
    fn every_operation_of_the_document_is_listed() {
        let document = serde_json::to_value(&*DOCUMENT).unwrap();
        let listed = operations(&document);
        assert!(listed.len() >= 20);
        let login = listed.iter().find(|o| o.anchor == "Login").unwrap();
        assert_eq!((login.method.as_str(), login.auth), ("POST", "none"));
        assert!(login.request.is_some());
        let feed = listed
            .iter()
            .find(|o| o.anchor == "GetArticlesFeed")
            .unwrap();
        assert_eq!(feed.auth, "required");
        assert!(schemas(&document).iter().any(|s| s.name == "Article"));
    }
}
