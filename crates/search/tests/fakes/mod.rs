//! Stand-ins for the posts and profiles ports: only what search asks of them works.

#![allow(dead_code, unreachable_pub, missing_docs, clippy::unwrap_used)]

use std::sync::Mutex;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use posts_api::{
    Actor, ArchiveEntry, Authorship, PageRequest, Post, PostDocument, PostDraft, PostFilter,
    PostLink, PostPage, PostSummary, PostsError, PostsPort, Revision, SlugLookup, TagCount,
};
use profiles_api::{
    AccountSummary, ApiToken, NewAccount, Profile, ProfileChanges, ProfilesError, ProfilesPort,
    Role, Session, SignupPolicy, Viewer,
};

/// Published documents by id; `fail_after` makes the walk fail past that many batches.
#[derive(Default)]
pub struct FakePosts {
    pub documents: Mutex<Vec<PostDocument>>,
    pub fail_after_batches: Mutex<Option<usize>>,
    pub batches: Mutex<usize>,
}

#[async_trait]
impl PostsPort for FakePosts {
    async fn published_page(
        &self,
        _: PostFilter,
        request: PageRequest,
    ) -> Result<PostPage, PostsError> {
        Ok(PostPage {
            posts: Vec::new(),
            request,
            total: self.documents.lock().unwrap().len() as u64,
        })
    }
    async fn published_documents(
        &self,
        after_id: i64,
        limit: u32,
    ) -> Result<Vec<PostDocument>, PostsError> {
        let mut batches = self.batches.lock().unwrap();
        if let Some(n) = *self.fail_after_batches.lock().unwrap()
            && *batches >= n
        {
            return Err(PostsError::Unavailable("database went away".into()));
        }
        *batches += 1;
        let mut docs: Vec<PostDocument> = self
            .documents
            .lock()
            .unwrap()
            .iter()
            .filter(|d| d.post_id > after_id)
            .cloned()
            .collect();
        docs.sort_by_key(|d| d.post_id);
        docs.truncate(limit as usize);
        Ok(docs)
    }
    async fn recent_published(&self, _: PostFilter, _: u32) -> Result<Vec<Post>, PostsError> {
        unimplemented!()
    }
    async fn post_by_slug(&self, _: &str, _: Option<Actor>) -> Result<SlugLookup, PostsError> {
        unimplemented!()
    }
    async fn readable_by_slug(
        &self,
        _: &str,
        _: Option<Actor>,
    ) -> Result<SlugLookup<posts_api::ReadablePost>, PostsError> {
        unimplemented!()
    }
    async fn published_by_ids(&self, _: Vec<i64>) -> Result<Vec<PostSummary>, PostsError> {
        unimplemented!()
    }
    async fn published_slice(
        &self,
        _: PostFilter,
        _: u64,
        _: u32,
    ) -> Result<posts_api::PostSlice, PostsError> {
        unimplemented!()
    }
    async fn favorited_among(&self, _: i64, _: Vec<i64>) -> Result<Vec<i64>, PostsError> {
        unimplemented!()
    }
    async fn authorship(&self, _: i64) -> Result<Option<Authorship>, PostsError> {
        unimplemented!()
    }
    async fn neighbours(&self, _: i64) -> Result<(Option<PostLink>, Option<PostLink>), PostsError> {
        unimplemented!()
    }
    async fn archive(&self) -> Result<Vec<ArchiveEntry>, PostsError> {
        unimplemented!()
    }
    async fn archive_years(&self) -> Result<Vec<posts_api::ArchiveYear>, PostsError> {
        unimplemented!()
    }
    async fn archive_year(&self, _year: i32) -> Result<Vec<ArchiveEntry>, PostsError> {
        unimplemented!()
    }
    async fn tags(&self) -> Result<Vec<TagCount>, PostsError> {
        unimplemented!()
    }
    async fn posts_of(&self, _: Actor) -> Result<Vec<PostSummary>, PostsError> {
        unimplemented!()
    }
    async fn create(&self, _: Actor, _: PostDraft) -> Result<Post, PostsError> {
        unimplemented!()
    }
    async fn update(&self, _: Actor, _: i64, _: PostDraft) -> Result<Post, PostsError> {
        unimplemented!()
    }
    async fn publish(&self, _: Actor, _: i64) -> Result<Post, PostsError> {
        unimplemented!()
    }
    async fn schedule(&self, _: Actor, _: i64, _: DateTime<Utc>) -> Result<Post, PostsError> {
        unimplemented!()
    }
    async fn unpublish(&self, _: Actor, _: i64) -> Result<Post, PostsError> {
        unimplemented!()
    }
    async fn delete(&self, _: Actor, _: i64) -> Result<(), PostsError> {
        unimplemented!()
    }
    async fn revisions(&self, _: Actor, _: i64) -> Result<Vec<Revision>, PostsError> {
        unimplemented!()
    }
    async fn restore_revision(&self, _: Actor, _: i64, _: i64) -> Result<Post, PostsError> {
        unimplemented!()
    }
    async fn favorite(&self, _: i64, _: i64) -> Result<u64, PostsError> {
        unimplemented!()
    }
    async fn unfavorite(&self, _: i64, _: i64) -> Result<u64, PostsError> {
        unimplemented!()
    }
    async fn publish_due(&self) -> Result<Vec<i64>, PostsError> {
        unimplemented!()
    }
}

/// Profiles by id; `down` makes every lookup fail.
#[derive(Default)]
pub struct FakeProfiles {
    pub profiles: Mutex<Vec<(i64, String, String)>>,
    pub down: Mutex<bool>,
}

impl FakeProfiles {
    pub fn with(profiles: &[(i64, &str, &str)]) -> Self {
        Self {
            profiles: Mutex::new(
                profiles
                    .iter()
                    .map(|(id, u, d)| (*id, (*u).to_owned(), (*d).to_owned()))
                    .collect(),
            ),
            down: Mutex::new(false),
        }
    }

    fn profile(&self, id: i64) -> Option<Profile> {
        let profiles = self.profiles.lock().unwrap();
        let (id, username, display_name) = profiles.iter().find(|p| p.0 == id)?.clone();
        Some(Profile {
            id,
            username,
            display_name,
            bio_markdown: String::new(),
            bio_html: String::new(),
            avatar_url: None,
            website_url: None,
            role: Role::Author,
            suspended: false,
            created_at: Utc::now(),
            followers: 0,
            following: 0,
        })
    }

    fn check(&self) -> Result<(), ProfilesError> {
        if *self.down.lock().unwrap() {
            return Err(ProfilesError::Storage("profiles down".into()));
        }
        Ok(())
    }
}

#[async_trait]
impl ProfilesPort for FakeProfiles {
    async fn by_id(&self, id: i64) -> Result<Option<Profile>, ProfilesError> {
        self.check()?;
        Ok(self.profile(id))
    }
    async fn by_ids(&self, ids: Vec<i64>) -> Result<Vec<Profile>, ProfilesError> {
        self.check()?;
        Ok(ids.into_iter().filter_map(|id| self.profile(id)).collect())
    }
    async fn by_username(&self, _: &str) -> Result<Option<Profile>, ProfilesError> {
        unimplemented!()
    }
    async fn email(&self, _: &profiles_api::Viewer) -> Result<String, ProfilesError> {
        unimplemented!()
    }
    async fn register(&self, _: NewAccount, _: SignupPolicy) -> Result<Profile, ProfilesError> {
        unimplemented!()
    }
    async fn create_account(&self, _: NewAccount, _: Role) -> Result<Profile, ProfilesError> {
        unimplemented!()
    }
    async fn sign_in(&self, _: &str, _: &str, _: &str) -> Result<Session, ProfilesError> {
        unimplemented!()
    }
    async fn authenticate(&self, _: &str) -> Result<Option<Viewer>, ProfilesError> {
        unimplemented!()
    }
    async fn sign_out(&self, _: &str) -> Result<(), ProfilesError> {
        unimplemented!()
    }
    async fn change_password(
        &self,
        _: &Viewer,
        _: &str,
        _: &str,
        _: &str,
    ) -> Result<(), ProfilesError> {
        unimplemented!()
    }
    async fn change_email(&self, _: &Viewer, _: &str, _: &str) -> Result<(), ProfilesError> {
        unimplemented!()
    }
    async fn issue_api_token(&self, _: &Viewer) -> Result<ApiToken, ProfilesError> {
        unimplemented!()
    }
    async fn authenticate_api_token(&self, _: &str) -> Result<Option<Viewer>, ProfilesError> {
        unimplemented!()
    }
    async fn revoke_api_token(&self, _: &Viewer, _: i64) -> Result<(), ProfilesError> {
        unimplemented!()
    }
    async fn update_profile(
        &self,
        _: &Viewer,
        _: ProfileChanges,
    ) -> Result<Profile, ProfilesError> {
        unimplemented!()
    }
    async fn follow(&self, _: &Viewer, _: &str) -> Result<Profile, ProfilesError> {
        unimplemented!()
    }
    async fn unfollow(&self, _: &Viewer, _: &str) -> Result<Profile, ProfilesError> {
        unimplemented!()
    }
    async fn is_following(&self, _: i64, _: Vec<i64>) -> Result<Vec<i64>, ProfilesError> {
        unimplemented!()
    }
    async fn followed_ids(&self, _: i64) -> Result<Vec<i64>, ProfilesError> {
        unimplemented!()
    }
    async fn list_accounts(
        &self,
        _: &Viewer,
        _: &str,
        _: u32,
        _: u32,
    ) -> Result<(Vec<AccountSummary>, u64), ProfilesError> {
        unimplemented!()
    }
    async fn set_role(&self, _: &Viewer, _: i64, _: Role) -> Result<(), ProfilesError> {
        unimplemented!()
    }
    async fn set_suspended(&self, _: &Viewer, _: i64, _: bool) -> Result<(), ProfilesError> {
        unimplemented!()
    }
    async fn delete_account(&self, _: &Viewer, _: i64) -> Result<(), ProfilesError> {
        unimplemented!()
    }
}
