//! Session life: sliding expiry, password changes, API tokens, suspension.

use std::sync::Arc;

use chrono::TimeDelta;
use kernel::Backend;
use kernel::outbox::{OutboxSignal, Relay};
use profiles_api::{ProfileChanges, ProfileEvent, ProfilesError, ProfilesPort, Role};

use super::{CLIENT, PASSWORD, events, fixture};
use crate::SqlProfiles;

async fn sessions_slide_when_used_past_half_their_life(backend: Backend) {
    let f = fixture(backend);
    f.register("alice").await;
    let used = f.profiles.sign_in("alice", PASSWORD, CLIENT).await.unwrap();
    let early = f.profiles.sign_in("alice", PASSWORD, CLIENT).await.unwrap();
    let idle = f.profiles.sign_in("alice", PASSWORD, CLIENT).await.unwrap();

    // Day 10: two thirds of the life left, so nothing is extended.
    f.clock.advance(TimeDelta::days(10));
    assert!(
        f.profiles
            .authenticate(&early.token)
            .await
            .unwrap()
            .is_some()
    );
    // Day 16: past half its life; this use extends it to day 46.
    f.clock.advance(TimeDelta::days(6));
    assert!(
        f.profiles
            .authenticate(&used.token)
            .await
            .unwrap()
            .is_some()
    );
    // Day 30 + 1 s: the sessions not used past half their life have ended.
    f.clock.advance(TimeDelta::days(14) + TimeDelta::seconds(1));
    assert_eq!(f.profiles.authenticate(&early.token).await.unwrap(), None);
    assert_eq!(f.profiles.authenticate(&idle.token).await.unwrap(), None);
    assert!(
        f.profiles
            .authenticate(&used.token)
            .await
            .unwrap()
            .is_some()
    );
    // Day 45: still alive, and extended again (to day 75) by this use.
    f.clock.advance(TimeDelta::days(15) - TimeDelta::seconds(2));
    assert!(
        f.profiles
            .authenticate(&used.token)
            .await
            .unwrap()
            .is_some()
    );
    // Day 74: alive thanks to that extension (and extended once more, to day 104).
    f.clock.advance(TimeDelta::days(29));
    assert!(
        f.profiles
            .authenticate(&used.token)
            .await
            .unwrap()
            .is_some()
    );
    // Thirty days without use end any session.
    f.clock.advance(TimeDelta::days(30) + TimeDelta::seconds(1));
    assert_eq!(f.profiles.authenticate(&used.token).await.unwrap(), None);
}

async fn a_new_password_ends_other_sessions_and_revokes_api_tokens(backend: Backend) {
    let f = fixture(backend);
    let alice = f.register("alice").await;
    let bob = f.register("bob").await;
    let here = f.profiles.sign_in("alice", PASSWORD, CLIENT).await.unwrap();
    let elsewhere = f.profiles.sign_in("alice", PASSWORD, CLIENT).await.unwrap();
    let token = f.profiles.issue_api_token(&alice).await.unwrap();
    let bobs = f.profiles.sign_in("bob", PASSWORD, CLIENT).await.unwrap();
    let bobs_token = f.profiles.issue_api_token(&bob).await.unwrap();

    assert_eq!(
        super::field_of(
            f.profiles
                .change_password(&alice, PASSWORD, "short", &here.token)
                .await
        ),
        "new_password"
    );
    assert_eq!(
        super::field_of(
            f.profiles
                .change_password(
                    &alice,
                    "not my password",
                    "a brand new password",
                    &here.token
                )
                .await
        ),
        "current_password"
    );
    // Refusals changed nothing.
    assert!(
        f.profiles
            .authenticate(&elsewhere.token)
            .await
            .unwrap()
            .is_some()
    );

    f.profiles
        .change_password(&alice, PASSWORD, "a brand new password", &here.token)
        .await
        .unwrap();
    assert!(
        f.profiles
            .authenticate(&here.token)
            .await
            .unwrap()
            .is_some()
    );
    assert_eq!(
        f.profiles.authenticate(&elsewhere.token).await.unwrap(),
        None
    );
    assert_eq!(
        f.profiles
            .authenticate_api_token(&token.token)
            .await
            .unwrap(),
        None
    );
    // Other accounts keep theirs.
    assert!(
        f.profiles
            .authenticate(&bobs.token)
            .await
            .unwrap()
            .is_some()
    );
    assert!(
        f.profiles
            .authenticate_api_token(&bobs_token.token)
            .await
            .unwrap()
            .is_some()
    );

    assert_eq!(
        f.profiles.sign_in("alice", PASSWORD, CLIENT).await,
        Err(ProfilesError::InvalidCredentials)
    );
    assert!(
        f.profiles
            .sign_in("alice", "a brand new password", CLIENT)
            .await
            .is_ok()
    );
}

async fn api_tokens_authenticate_until_revoked(backend: Backend) {
    let f = fixture(backend);
    let alice = f.register("alice").await;
    let bob = f.register("bob").await;
    let first = f.profiles.issue_api_token(&alice).await.unwrap();
    let second = f.profiles.issue_api_token(&alice).await.unwrap();
    assert_ne!(first.token, second.token);
    assert_ne!(first.id, second.id);
    assert_eq!(first.viewer, alice);
    assert!(
        !format!("{first:?}").contains(&first.token),
        "Debug hides the token"
    );
    assert_eq!(
        f.profiles
            .authenticate_api_token(&first.token)
            .await
            .unwrap(),
        Some(alice.clone())
    );
    // A session token is not an API token, nor the reverse.
    let session = f.profiles.sign_in("alice", PASSWORD, CLIENT).await.unwrap();
    assert_eq!(
        f.profiles
            .authenticate_api_token(&session.token)
            .await
            .unwrap(),
        None
    );
    assert_eq!(f.profiles.authenticate(&first.token).await.unwrap(), None);

    assert_eq!(
        f.profiles.revoke_api_token(&bob, first.id).await,
        Err(ProfilesError::NotFound),
        "only the owner may revoke"
    );
    f.profiles.revoke_api_token(&alice, first.id).await.unwrap();
    assert_eq!(
        f.profiles
            .authenticate_api_token(&first.token)
            .await
            .unwrap(),
        None
    );
    assert!(
        f.profiles
            .authenticate_api_token(&second.token)
            .await
            .unwrap()
            .is_some()
    );
    assert_eq!(
        f.profiles.revoke_api_token(&alice, first.id).await,
        Err(ProfilesError::NotFound)
    );
    for junk in ["", "Bearer x", &"f".repeat(64), &second.token[..63]] {
        assert_eq!(f.profiles.authenticate_api_token(junk).await.unwrap(), None);
    }
}

async fn suspension_ends_sessions_and_tokens_until_reinstated(backend: Backend) {
    let f = fixture(backend);
    let (admin, reader) = f.admin_and_reader().await;
    let session = f
        .profiles
        .sign_in("reader", PASSWORD, CLIENT)
        .await
        .unwrap();
    let token = f.profiles.issue_api_token(&reader).await.unwrap();
    assert!(
        f.profiles
            .authenticate(&session.token)
            .await
            .unwrap()
            .is_some()
    );

    f.profiles
        .set_suspended(&admin, reader.id, true)
        .await
        .unwrap();
    assert_eq!(f.profiles.authenticate(&session.token).await.unwrap(), None);
    assert_eq!(
        f.profiles
            .authenticate_api_token(&token.token)
            .await
            .unwrap(),
        None
    );
    assert!(
        f.profiles
            .by_id(reader.id)
            .await
            .unwrap()
            .unwrap()
            .suspended
    );
    assert_eq!(
        f.profiles.sign_in("reader", PASSWORD, CLIENT).await,
        Err(ProfilesError::InvalidCredentials)
    );
    // A viewer handed out before the suspension can no longer act.
    assert_eq!(
        f.profiles
            .update_profile(&reader, ProfileChanges::default())
            .await,
        Err(ProfilesError::Forbidden)
    );
    assert_eq!(
        f.profiles.issue_api_token(&reader).await,
        Err(ProfilesError::Forbidden)
    );
    assert_eq!(
        f.profiles.follow(&reader, "root_admin").await,
        Err(ProfilesError::Forbidden)
    );

    f.profiles
        .set_suspended(&admin, reader.id, false)
        .await
        .unwrap();
    assert!(
        !f.profiles
            .by_id(reader.id)
            .await
            .unwrap()
            .unwrap()
            .suspended
    );
    assert_eq!(
        f.profiles.authenticate(&session.token).await.unwrap(),
        None,
        "ended sessions stay ended"
    );
    let again = f
        .profiles
        .sign_in("reader", PASSWORD, CLIENT)
        .await
        .unwrap();
    assert!(
        f.profiles
            .authenticate(&again.token)
            .await
            .unwrap()
            .is_some()
    );
}

async fn a_remembered_session_ends_with_a_sign_out_a_new_role_or_a_suspension(backend: Backend) {
    let f = fixture(backend);
    let (admin, reader) = f.admin_and_reader().await;
    let signed_out = f
        .profiles
        .sign_in("reader", PASSWORD, CLIENT)
        .await
        .unwrap();
    let kept = f
        .profiles
        .sign_in("reader", PASSWORD, CLIENT)
        .await
        .unwrap();
    // Checked once each, so both are remembered.
    for session in [&signed_out, &kept] {
        assert_eq!(
            f.profiles.authenticate(&session.token).await.unwrap(),
            Some(reader.clone())
        );
    }
    events(&f).await;

    f.profiles.sign_out(&signed_out.token).await.unwrap();
    assert_eq!(
        f.profiles.authenticate(&signed_out.token).await.unwrap(),
        None
    );
    assert_eq!(
        f.profiles.authenticate(&kept.token).await.unwrap(),
        Some(reader.clone())
    );
    assert_eq!(
        events(&f).await,
        vec![ProfileEvent::AccessChanged { id: reader.id }]
    );
    // Signing out twice, or with a token nobody has, ends nothing and says nothing.
    f.profiles.sign_out(&signed_out.token).await.unwrap();
    f.profiles.sign_out(&"0".repeat(64)).await.unwrap();
    assert_eq!(events(&f).await, vec![]);

    f.profiles
        .set_role(&admin, reader.id, Role::Editor)
        .await
        .unwrap();
    let seen = f.profiles.authenticate(&kept.token).await.unwrap().unwrap();
    assert_eq!(
        seen.role,
        Role::Editor,
        "the new role, not the remembered one"
    );
    assert_eq!(
        events(&f).await,
        vec![ProfileEvent::AccessChanged { id: reader.id }]
    );

    f.profiles
        .set_suspended(&admin, reader.id, true)
        .await
        .unwrap();
    assert_eq!(f.profiles.authenticate(&kept.token).await.unwrap(), None);
    assert_eq!(
        events(&f).await,
        vec![ProfileEvent::AccessChanged { id: reader.id }]
    );
}

async fn another_process_ending_a_session_is_heard_through_the_live_lane(backend: Backend) {
    let f = fixture(backend);
    let (admin, reader) = f.admin_and_reader().await;
    // A second process on the same database, with its own memory of sessions; this one
    // hears of the other's changes through its relay's live lane.
    let other = SqlProfiles::new(
        f.pool.clone(),
        Arc::new(f.clock.clone()),
        OutboxSignal::new(),
    );
    let signal = OutboxSignal::new();
    let mut relay = Relay::new(f.pool.clone(), Arc::new(f.clock.clone()), signal);
    relay
        .subscribe_live(Arc::new(f.profiles.session_events()))
        .await
        .unwrap();
    let session = f
        .profiles
        .sign_in("reader", PASSWORD, CLIENT)
        .await
        .unwrap();
    assert_eq!(
        f.profiles.authenticate(&session.token).await.unwrap(),
        Some(reader.clone())
    );

    // A new role there: here, the remembered role holds until the event arrives.
    other
        .set_role(&admin, reader.id, Role::Author)
        .await
        .unwrap();
    let before = f
        .profiles
        .authenticate(&session.token)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(before.role, Role::Reader, "this process has not heard yet");
    relay.deliver_pending().await.unwrap();
    let after = f
        .profiles
        .authenticate(&session.token)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(after.role, Role::Author);

    // Signed out there: ended here once the event arrives.
    other.sign_out(&session.token).await.unwrap();
    assert!(
        f.profiles
            .authenticate(&session.token)
            .await
            .unwrap()
            .is_some()
    );
    relay.deliver_pending().await.unwrap();
    assert_eq!(f.profiles.authenticate(&session.token).await.unwrap(), None);

    // The same for an account deleted there.
    let admins = f
        .profiles
        .sign_in("root_admin", PASSWORD, CLIENT)
        .await
        .unwrap();
    let second_admin = f.register("second_admin").await;
    other
        .set_role(&admin, second_admin.id, Role::Admin)
        .await
        .unwrap();
    assert!(
        f.profiles
            .authenticate(&admins.token)
            .await
            .unwrap()
            .is_some()
    );
    other.delete_account(&second_admin, admin.id).await.unwrap();
    relay.deliver_pending().await.unwrap();
    assert_eq!(f.profiles.authenticate(&admins.token).await.unwrap(), None);
}

on_both_backends!(
    a_remembered_session_ends_with_a_sign_out_a_new_role_or_a_suspension,
    another_process_ending_a_session_is_heard_through_the_live_lane,
    sessions_slide_when_used_past_half_their_life,
    a_new_password_ends_other_sessions_and_revokes_api_tokens,
    api_tokens_authenticate_until_revoked,
    suspension_ends_sessions_and_tokens_until_reinstated,
);
