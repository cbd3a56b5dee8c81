//! Two instances over one database (on PostgreSQL when the suites run there, as several
//! instances behind a load balancer do; on SQLite, as two processes sharing the file):
//! each has its own store, pool and writer queue, and the rules of the data still hold
//! when parallel requests come through both.

mod common;

use common::{assert_error, body, Caller, TestApp};
use reqwest::Method;
use serde_json::{json, Value};
use shared::model::{Feature, Role};
use std::collections::BTreeMap;

/// Two admins demoting each other at once, one through each instance, round after
/// round: every round exactly one demotion is made, and the other is refused, as the last
/// admin's (409) or, when it came second, as no longer an admin's (403). The
/// organisation always keeps exactly one admin.
#[tokio::test]
async fn two_admins_demoting_each_other_through_two_instances_leave_one_admin() {
    let app = TestApp::spawn().await;
    let second = app.another_instance().await;
    let other = app.add_user(Role::Admin).await;
    let a = app.signed_in(&app.admin).await;
    let b = app.signed_in(&other).await.at(&second);
    let (a_id, b_id) = (app.admin.user.id, other.user.id);

    for round in 0..6 {
        let (to_b, to_a) = (
            format!("/api/v1/users/{b_id}"),
            format!("/api/v1/users/{a_id}"),
        );
        let (by_a, by_b) = tokio::join!(
            a.patch(&to_b, json!({"role": "user"})),
            b.patch(&to_a, json!({"role": "user"})),
        );
        let statuses = (by_a.status().as_u16(), by_b.status().as_u16());
        let admins: Vec<_> = app
            .store
            .list_users(app.org.id)
            .await
            .expect("users")
            .into_iter()
            .filter(|u| u.role == Role::Admin)
            .map(|u| u.id)
            .collect();
        // The one whose demotion went through is the admin left; it promotes the other.
        let (survivor, refused, demoted) = match statuses {
            (200, 409 | 403) => (&a, by_b, b_id),
            (409 | 403, 200) => (&b, by_a, a_id),
            other => panic!("round {round}: {other:?}"),
        };
        if refused.status().as_u16() == 409 {
            let v = assert_error(refused, 409, "conflict").await;
            assert_eq!(
                v["error"]["message"], "The last admin of the organisation cannot be demoted.",
                "round {round}"
            );
        } else {
            assert_error(refused, 403, "forbidden").await;
        }
        assert_eq!(admins.len(), 1, "round {round}: {admins:?}");
        assert_ne!(admins[0], demoted, "round {round}");
        let promote = survivor
            .patch(
                &format!("/api/v1/users/{demoted}"),
                json!({"role": "admin"}),
            )
            .await;
        assert_eq!(promote.status().as_u16(), 200, "round {round}");
    }
}

/// Four clients, two per instance, replace the tags of six shared streams 15 times each:
/// every request succeeds and the counts both instances answer equal the tags the
/// streams end up with.
#[tokio::test]
async fn tag_changes_through_two_instances_keep_the_counts_exact() {
    let app = TestApp::spawn().await;
    let second = app.another_instance().await;
    let first = app.api_key(Role::User).await;
    let mut streams = Vec::new();
    for _ in 0..6 {
        let s = first.create_stream(json!({"tags": ["start"]})).await;
        streams.push(s["id"].as_str().expect("id").to_string());
    }

    let mut clients = tokio::task::JoinSet::new();
    for client in 0..4 {
        let caller = app.api_key(Role::User).await;
        let caller = if client % 2 == 0 {
            caller
        } else {
            caller.at(&second)
        };
        let streams = streams.clone();
        clients.spawn(async move {
            let mut statuses = Vec::new();
            for round in 0..15 {
                for (i, stream) in streams.iter().enumerate() {
                    // Tags shared between clients and streams, so counts move both ways.
                    let tags = json!({"tags": [format!("t{}", (client + round + i) % 5), "all"]});
                    let res = caller
                        .put(&format!("/api/v1/streams/{stream}/tags"), tags)
                        .await;
                    statuses.push(res.status().as_u16());
                }
            }
            statuses
        });
    }
    let statuses: Vec<u16> = clients.join_all().await.into_iter().flatten().collect();
    assert_eq!(statuses.len(), 4 * 15 * 6);
    assert!(statuses.iter().all(|s| *s == 200), "{statuses:?}");

    let mut expected: BTreeMap<String, u64> = BTreeMap::new();
    for stream in &streams {
        let s = body(first.get(&format!("/api/v1/streams/{stream}")).await).await;
        for tag in s["tags"].as_array().expect("tags") {
            *expected
                .entry(tag.as_str().expect("tag").to_string())
                .or_default() += 1;
        }
    }
    assert_eq!(expected.get("all"), Some(&6));
    assert_eq!(expected.get("start"), None);
    let mut pairs: Vec<(String, u64)> = expected.into_iter().collect();
    pairs.sort_by(|x, y| y.1.cmp(&x.1).then_with(|| x.0.cmp(&y.0)));
    let want = Value::Array(
        pairs
            .iter()
            .map(|(tag, count)| json!({"tag": tag, "count": count}))
            .collect(),
    );
    for caller in [first.clone(), first.at(&second)] {
        let v = body(caller.get("/api/v1/tags").await).await;
        assert_eq!(v["items"], want);
    }
}

/// One revocable token revoked six times at once through both instances: every revoke
/// answers 204, the registry holds one revocation time, and both instances verify the
/// token as revoked.
#[tokio::test]
async fn a_token_revoked_through_both_instances_at_once_is_revoked_once() {
    let app = TestApp::spawn().await;
    app.enable(&[Feature::Secure]).await;
    let second = app.another_instance().await;
    let admin = app.signed_in(&app.admin).await;
    let issued = admin
        .post(
            "/api/v1/tokens",
            json!({"scope": {"organisation": true}, "revocable": true}),
        )
        .await;
    assert_eq!(issued.status().as_u16(), 201);
    let issued = body(issued).await;
    let id = issued["id"].as_str().expect("id").to_string();
    let token = issued["token"].as_str().expect("token").to_string();

    let mut revokes = tokio::task::JoinSet::new();
    for i in 0..6 {
        let caller: Caller = if i % 2 == 0 {
            admin.clone()
        } else {
            admin.at(&second)
        };
        let path = format!("/api/v1/tokens/{id}/revoke");
        revokes.spawn(async move {
            caller
                .send(Method::POST, &path, None)
                .await
                .status()
                .as_u16()
        });
    }
    assert_eq!(revokes.join_all().await, vec![204; 6]);

    let mut revoked_at = Vec::new();
    for caller in [admin.clone(), admin.at(&second)] {
        let list = body(caller.get("/api/v1/tokens").await).await;
        let items = list["items"].as_array().expect("items");
        assert_eq!(items.len(), 1, "{list}");
        revoked_at.push(items[0]["revoked_at"].clone());
        let v = body(
            caller
                .post("/api/v1/tokens/verify", json!({"token": token}))
                .await,
        )
        .await;
        assert_eq!(v["valid"], false);
        assert_eq!(v["reason"], "revoked");
    }
    assert!(revoked_at[0].is_string(), "{revoked_at:?}");
    assert_eq!(revoked_at[0], revoked_at[1]);
}

/// Ten wrong passwords for one email, sent at once and split between the instances,
/// throttle that email on both; a session made through one instance works on the other
/// and, once signed out there, on neither.
#[tokio::test]
async fn throttling_and_sessions_hold_across_instances() {
    let app = TestApp::spawn().await;
    let second = app.another_instance().await;
    let anonymous = app.anonymous();

    let mut guesses = tokio::task::JoinSet::new();
    for i in 0..10 {
        let caller = if i % 2 == 0 {
            anonymous.clone()
        } else {
            anonymous.at(&second)
        };
        guesses.spawn(async move {
            let res = caller
                .post(
                    "/api/v1/auth/login",
                    json!({"email": "admin@acme.test", "password": "wrong-password"}),
                )
                .await;
            res.status().as_u16()
        });
    }
    assert_eq!(guesses.join_all().await, vec![401; 10]);
    for caller in [anonymous.clone(), anonymous.at(&second)] {
        let res = caller
            .post(
                "/api/v1/auth/login",
                json!({"email": "admin@acme.test", "password": common::PASSWORD}),
            )
            .await;
        assert_error(res, 429, "rate_limited").await;
    }

    let user = app.add_user(Role::User).await;
    let here = app.signed_in(&user).await;
    let there = here.at(&second);
    let me = body(there.get("/api/v1/me").await).await;
    assert_eq!(me["user"]["email"], user.email.as_str());
    let out = there.post_empty("/api/v1/auth/logout").await;
    assert_eq!(out.status().as_u16(), 204);
    for caller in [here, there] {
        assert_error(caller.get("/api/v1/me").await, 401, "unauthorized").await;
    }
}

/// The lease behind single-run work, as instances use it: one holder at a time however
/// many try at once, renewed only by its holder, taken by another only once it has
/// expired or been given up.
#[tokio::test]
async fn a_lease_has_one_holder_among_instances_trying_at_once_and_passes_on_only_when_free() {
    let app = TestApp::spawn().await;
    let second = castboard::store::Store::open(&app.db_url)
        .await
        .expect("a second store");
    let stores = [app.store.clone(), second];
    let instances: Vec<uuid::Uuid> = (0..8).map(|_| uuid::Uuid::new_v4()).collect();

    // Eight instances (four per store) try at once: exactly one holds it.
    let attempts = instances.iter().enumerate().map(|(i, id)| {
        let store = stores[i % 2].clone();
        let id = *id;
        async move {
            store
                .hold_lease("work", id, &format!("http://10.0.0.{i}:3000"), 60_000)
                .await
                .expect("asks")
        }
    });
    let held: Vec<bool> = futures_util::future::join_all(attempts).await;
    assert_eq!(held.iter().filter(|h| **h).count(), 1, "{held:?}");
    let winner = held.iter().position(|h| *h).expect("a holder");
    let holder = instances[winner];
    let lease = stores[1].lease("work").await.expect("reads").expect("held");
    assert_eq!(
        (lease.holder, lease.holder_url.as_str()),
        (holder, format!("http://10.0.0.{winner}:3000").as_str())
    );

    // Its holder renews it; another cannot take it, and giving up is only the holder's.
    let other = instances[(winner + 1) % 8];
    assert!(stores[0]
        .hold_lease("work", holder, "h", 60_000)
        .await
        .expect("renews"));
    assert!(!stores[1]
        .hold_lease("work", other, "o", 60_000)
        .await
        .expect("asks"));
    stores[1].release_lease("work", other).await.expect("asks");
    assert_eq!(
        stores[0]
            .lease("work")
            .await
            .expect("reads")
            .map(|l| l.holder),
        Some(holder)
    );
    // Given up, the next to ask takes it.
    stores[0]
        .release_lease("work", holder)
        .await
        .expect("gives up");
    assert_eq!(stores[0].lease("work").await.expect("reads"), None);
    assert!(stores[1]
        .hold_lease("work", other, "o", 50)
        .await
        .expect("takes"));
    assert!(!stores[0]
        .hold_lease("work", holder, "h", 60_000)
        .await
        .expect("asks"));
    // Once its term has run out, it is free to take; other leases are apart.
    tokio::time::sleep(std::time::Duration::from_millis(120)).await;
    assert_eq!(stores[1].lease("work").await.expect("reads"), None);
    assert!(stores[0]
        .hold_lease("work", holder, "h", 60_000)
        .await
        .expect("takes"));
    assert!(stores[1]
        .hold_lease("other work", other, "o", 60_000)
        .await
        .expect("takes"));
    assert_eq!(
        stores[1]
            .lease("work")
            .await
            .expect("reads")
            .map(|l| l.holder),
        Some(holder)
    );
}
