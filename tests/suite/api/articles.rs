//! Articles: create (published on the site), read, list with filters and paging, update,
//! delete, tags; authorization of every write.

use actix_web::http::Method;
use kernel::Backend;
use serde_json::json;

use super::{assert_error_shape, call, is_timestamp, register, write};
use crate::helpers::spawn_app;
use crate::on_both_backends;

async fn an_article_is_a_published_post(backend: Backend) {
    let app = spawn_app(backend).await;
    let token = register(&app, "ada").await;
    let created = call(
        &app,
        Method::POST,
        "/api/articles",
        Some(&token),
        Some(json!({"article": {
            "title": "How to train your dragon",
            "description": "Ever wonder how?",
            "body": "Very **carefully**.",
            "tagList": ["training", "Dragons"],
        }})),
    )
    .await;
    assert_eq!(created.status, 201, "{}", created.json);
    let article = &created.json["article"];
    let slug = article["slug"].as_str().unwrap().to_owned();
    assert_eq!(slug, "how-to-train-your-dragon");
    assert_eq!(article["body"], "Very **carefully**.");
    assert_eq!(article["tagList"], json!(["dragons", "training"]));
    assert_eq!(article["favorited"], false);
    assert_eq!(article["favoritesCount"], 0);
    assert_eq!(article["author"]["username"], "ada");
    assert_eq!(article["author"]["following"], false);
    assert!(
        is_timestamp(&article["createdAt"]),
        "{}",
        article["createdAt"]
    );
    assert!(is_timestamp(&article["updatedAt"]));

    // The same post on the HTML site, rendered from the Markdown.
    let (status, _, page) = app.get(&format!("/posts/{slug}")).await;
    assert_eq!(status, 200);
    assert!(page.contains("<strong>carefully</strong>"));

    let fetched = call(
        &app,
        Method::GET,
        &format!("/api/articles/{slug}"),
        None,
        None,
    )
    .await;
    assert_eq!(fetched.status, 200);
    assert_eq!(fetched.json["article"]["title"], "How to train your dragon");

    let updated = call(
        &app,
        Method::PUT,
        &format!("/api/articles/{slug}"),
        Some(&token),
        Some(json!({"article": {"body": "With two hands"}})),
    )
    .await;
    assert_eq!(updated.status, 200, "{}", updated.json);
    assert_eq!(updated.json["article"]["body"], "With two hands");
    assert_eq!(updated.json["article"]["title"], "How to train your dragon");
    assert_eq!(
        updated.json["article"]["tagList"],
        json!(["dragons", "training"])
    );

    let tags = call(&app, Method::GET, "/api/tags", None, None).await;
    assert_eq!(tags.status, 200);
    let tags = tags.json["tags"].as_array().unwrap().clone();
    assert!(tags.contains(&json!("dragons")) && tags.contains(&json!("training")));

    let deleted = call(
        &app,
        Method::DELETE,
        &format!("/api/articles/{slug}"),
        Some(&token),
        None,
    )
    .await;
    assert_eq!(deleted.status, 204);
    let gone = call(
        &app,
        Method::GET,
        &format!("/api/articles/{slug}"),
        None,
        None,
    )
    .await;
    assert_error_shape(&gone, 404, "body");
    app.stop().await;
}

async fn only_the_author_may_change_an_article(backend: Backend) {
    let app = spawn_app(backend).await;
    let ada = register(&app, "ada").await; // the first account: an admin
    let slug = write(&app, &ada, "Mine", &[]).await;
    // A second account is a reader by default: it may not write at all.
    let bob = register(&app, "bob").await;
    let refused = call(
        &app,
        Method::POST,
        "/api/articles",
        Some(&bob),
        Some(json!({"article": {"title": "T", "description": "d", "body": "b"}})),
    )
    .await;
    assert_error_shape(&refused, 403, "body");
    app.author("carol", profiles_api::Role::Author).await;
    let carol = call(
        &app,
        Method::POST,
        "/api/users/login",
        None,
        Some(json!({"user": {"email": "carol@example.org", "password": "correct horse battery"}})),
    )
    .await;
    let carol = carol.json["user"]["token"].as_str().unwrap().to_owned();
    let carols = write(&app, &carol, "Carol's", &[]).await;

    for (method, body) in [
        (
            Method::PUT,
            Some(json!({"article": {"title": "Taken over"}})),
        ),
        (Method::DELETE, None),
    ] {
        let other = call(
            &app,
            method.clone(),
            &format!("/api/articles/{carols}"),
            Some(&bob),
            body.clone(),
        )
        .await;
        assert_error_shape(&other, 403, "body");
        let anonymous = call(
            &app,
            method.clone(),
            &format!("/api/articles/{carols}"),
            None,
            body.clone(),
        )
        .await;
        assert_error_shape(&anonymous, 401, "body");
        let missing = call(
            &app,
            method,
            "/api/articles/no-such-article",
            Some(&carol),
            body,
        )
        .await;
        assert_error_shape(&missing, 404, "body");
    }
    // An admin may edit anyone's article; its author still may.
    let by_admin = call(
        &app,
        Method::PUT,
        &format!("/api/articles/{carols}"),
        Some(&ada),
        Some(json!({"article": {"description": "Edited by an admin"}})),
    )
    .await;
    assert_eq!(by_admin.status, 200, "{}", by_admin.json);
    let invalid = call(
        &app,
        Method::PUT,
        &format!("/api/articles/{slug}"),
        Some(&ada),
        Some(json!({"article": {"title": ""}})),
    )
    .await;
    assert_error_shape(&invalid, 422, "title");
    app.stop().await;
}

async fn lists_filter_page_and_count(backend: Backend) {
    let app = spawn_app(backend).await;
    let ada = register(&app, "ada").await;
    for n in 1..=5 {
        let tags: &[&str] = if n % 2 == 0 { &["even"] } else { &["odd"] };
        write(&app, &ada, &format!("Post {n}"), tags).await;
        app.clock.advance(chrono::Duration::minutes(1));
    }
    let all = call(&app, Method::GET, "/api/articles", None, None).await;
    assert_eq!(all.status, 200);
    assert_eq!(all.json["articlesCount"], 5);
    let first = &all.json["articles"][0];
    assert_eq!(first["title"], "Post 5", "newest first");
    assert!(first.get("body").is_none(), "lists carry no body");
    assert!(is_timestamp(&first["createdAt"]));

    let window = call(
        &app,
        Method::GET,
        "/api/articles?limit=2&offset=1",
        None,
        None,
    )
    .await;
    let titles: Vec<&str> = window.json["articles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["title"].as_str().unwrap())
        .collect();
    assert_eq!(titles, ["Post 4", "Post 3"]);
    assert_eq!(window.json["articlesCount"], 5);

    let even = call(&app, Method::GET, "/api/articles?tag=even", None, None).await;
    assert_eq!(even.json["articlesCount"], 2);
    let by_ada = call(&app, Method::GET, "/api/articles?author=ada", None, None).await;
    assert_eq!(by_ada.json["articlesCount"], 5);
    let nobody = call(&app, Method::GET, "/api/articles?author=nobody", None, None).await;
    assert_eq!(
        (nobody.status, nobody.json["articlesCount"].as_u64()),
        (200, Some(0))
    );
    let clamped = call(&app, Method::GET, "/api/articles?limit=100000", None, None).await;
    assert_eq!(clamped.status, 200);
    let zero = call(&app, Method::GET, "/api/articles?limit=0", None, None).await;
    assert_eq!(
        zero.json["articles"].as_array().unwrap().len(),
        1,
        "clamped to 1"
    );
    let past = call(&app, Method::GET, "/api/articles?offset=1000", None, None).await;
    assert_eq!(past.json["articles"], json!([]));
    let bad = call(&app, Method::GET, "/api/articles?limit=ten", None, None).await;
    assert_error_shape(&bad, 422, "query");
    let negative = call(&app, Method::GET, "/api/articles?offset=-1", None, None).await;
    assert_error_shape(&negative, 422, "query");
    app.stop().await;
}

on_both_backends!(
    an_article_is_a_published_post,
    only_the_author_may_change_an_article,
    lists_filter_page_and_count,
);
