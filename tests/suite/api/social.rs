//! Profiles and follows, the feed, favorites and comments.

use actix_web::http::Method;
use kernel::Backend;
use serde_json::json;

use super::{assert_error_shape, call, is_timestamp, register, write};
use crate::helpers::spawn_app;
use crate::on_both_backends;

async fn follows_shape_profiles_and_the_feed(backend: Backend) {
    let app = spawn_app(backend).await;
    let ada = register(&app, "ada").await;
    let bob = register(&app, "bob").await;
    write(&app, &ada, "From Ada", &[]).await;

    let profile = call(&app, Method::GET, "/api/profiles/ada", Some(&bob), None).await;
    assert_eq!(profile.status, 200);
    assert_eq!(
        profile.json["profile"],
        json!({"username": "ada", "bio": "", "image": "", "following": false})
    );
    let empty = call(&app, Method::GET, "/api/articles/feed", Some(&bob), None).await;
    assert_eq!(
        (empty.status, empty.json["articlesCount"].as_u64()),
        (200, Some(0))
    );

    let followed = call(
        &app,
        Method::POST,
        "/api/profiles/ada/follow",
        Some(&bob),
        None,
    )
    .await;
    assert_eq!(followed.status, 200);
    assert_eq!(followed.json["profile"]["following"], true);
    let seen = call(&app, Method::GET, "/api/profiles/ada", Some(&bob), None).await;
    assert_eq!(seen.json["profile"]["following"], true);
    let feed = call(&app, Method::GET, "/api/articles/feed", Some(&bob), None).await;
    assert_eq!(feed.json["articlesCount"], 1);
    assert_eq!(feed.json["articles"][0]["author"]["following"], true);

    let unfollowed = call(
        &app,
        Method::DELETE,
        "/api/profiles/ada/follow",
        Some(&bob),
        None,
    )
    .await;
    assert_eq!(unfollowed.json["profile"]["following"], false);

    let anonymous = call(&app, Method::POST, "/api/profiles/ada/follow", None, None).await;
    assert_error_shape(&anonymous, 401, "body");
    let feed_anonymous = call(&app, Method::GET, "/api/articles/feed", None, None).await;
    assert_error_shape(&feed_anonymous, 401, "body");
    let missing = call(&app, Method::GET, "/api/profiles/nobody", None, None).await;
    assert_error_shape(&missing, 404, "body");
    let unknown = call(
        &app,
        Method::POST,
        "/api/profiles/nobody/follow",
        Some(&bob),
        None,
    )
    .await;
    assert_error_shape(&unknown, 404, "body");
    let myself = call(
        &app,
        Method::POST,
        "/api/profiles/bob/follow",
        Some(&bob),
        None,
    )
    .await;
    assert_eq!(myself.status, 422, "{}", myself.json);
    app.stop().await;
}

async fn favorites_are_counted_and_listed(backend: Backend) {
    let app = spawn_app(backend).await;
    let ada = register(&app, "ada").await;
    let bob = register(&app, "bob").await;
    let slug = write(&app, &ada, "Worth it", &[]).await;
    write(&app, &ada, "Not this one", &[]).await;

    let path = format!("/api/articles/{slug}/favorite");
    let faved = call(&app, Method::POST, &path, Some(&bob), None).await;
    assert_eq!(faved.status, 200, "{}", faved.json);
    assert_eq!(faved.json["article"]["favorited"], true);
    assert_eq!(faved.json["article"]["favoritesCount"], 1);
    let again = call(&app, Method::POST, &path, Some(&bob), None).await;
    assert_eq!(again.json["article"]["favoritesCount"], 1, "idempotent");

    let listed = call(
        &app,
        Method::GET,
        "/api/articles?favorited=bob",
        Some(&bob),
        None,
    )
    .await;
    assert_eq!(listed.json["articlesCount"], 1);
    assert_eq!(listed.json["articles"][0]["favorited"], true);
    let as_ada = call(&app, Method::GET, "/api/articles", Some(&ada), None).await;
    assert!(
        as_ada.json["articles"]
            .as_array()
            .unwrap()
            .iter()
            .all(|a| a["favorited"] == false)
    );
    let single = call(
        &app,
        Method::GET,
        &format!("/api/articles/{slug}"),
        Some(&bob),
        None,
    )
    .await;
    assert_eq!(single.json["article"]["favorited"], true);

    let unfaved = call(&app, Method::DELETE, &path, Some(&bob), None).await;
    assert_eq!(unfaved.json["article"]["favorited"], false);
    assert_eq!(unfaved.json["article"]["favoritesCount"], 0);
    let anonymous = call(&app, Method::POST, &path, None, None).await;
    assert_error_shape(&anonymous, 401, "body");
    let missing = call(
        &app,
        Method::POST,
        "/api/articles/nope/favorite",
        Some(&bob),
        None,
    )
    .await;
    assert_error_shape(&missing, 404, "body");
    app.stop().await;
}

async fn comments_are_written_listed_and_deleted_by_their_author(backend: Backend) {
    let app = spawn_app(backend).await;
    let ada = register(&app, "ada").await;
    let bob = register(&app, "bob").await;
    let carol = register(&app, "carol").await;
    let slug = write(&app, &ada, "Discuss", &[]).await;
    let path = format!("/api/articles/{slug}/comments");

    let created = call(
        &app,
        Method::POST,
        &path,
        Some(&bob),
        Some(json!({"comment": {"body": "Thank you so much!"}})),
    )
    .await;
    assert_eq!(created.status, 200, "{}", created.json);
    let comment = &created.json["comment"];
    let id = comment["id"].as_i64().unwrap();
    assert_eq!(comment["body"], "Thank you so much!");
    assert_eq!(comment["author"]["username"], "bob");
    assert!(is_timestamp(&comment["createdAt"]) && is_timestamp(&comment["updatedAt"]));

    let listed = call(&app, Method::GET, &path, None, None).await;
    assert_eq!(listed.status, 200);
    assert_eq!(listed.json["comments"].as_array().unwrap().len(), 1);
    assert_eq!(listed.json["comments"][0]["id"], id);

    let empty = call(
        &app,
        Method::POST,
        &path,
        Some(&bob),
        Some(json!({"comment": {"body": "  "}})),
    )
    .await;
    assert_eq!(empty.status, 422, "{}", empty.json);
    let anonymous = call(
        &app,
        Method::POST,
        &path,
        None,
        Some(json!({"comment": {"body": "hi"}})),
    )
    .await;
    assert_error_shape(&anonymous, 401, "body");
    let nowhere = call(&app, Method::GET, "/api/articles/nope/comments", None, None).await;
    assert_error_shape(&nowhere, 404, "body");

    let by_carol = call(
        &app,
        Method::DELETE,
        &format!("{path}/{id}"),
        Some(&carol),
        None,
    )
    .await;
    assert_error_shape(&by_carol, 403, "body");
    let not_a_number = call(
        &app,
        Method::DELETE,
        &format!("{path}/abc"),
        Some(&bob),
        None,
    )
    .await;
    assert_error_shape(&not_a_number, 404, "body");
    let unknown = call(
        &app,
        Method::DELETE,
        &format!("{path}/999999"),
        Some(&bob),
        None,
    )
    .await;
    assert_error_shape(&unknown, 404, "body");
    let deleted = call(
        &app,
        Method::DELETE,
        &format!("{path}/{id}"),
        Some(&bob),
        None,
    )
    .await;
    assert_eq!(deleted.status, 204);
    let after = call(&app, Method::GET, &path, None, None).await;
    assert_eq!(after.json["comments"], json!([]));
    app.stop().await;
}

on_both_backends!(
    follows_shape_profiles_and_the_feed,
    favorites_are_counted_and_listed,
    comments_are_written_listed_and_deleted_by_their_author,
);
