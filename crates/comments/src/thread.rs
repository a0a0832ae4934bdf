//! Turning a post's rows into the thread one viewer sees: tree order, depths, placeholders.
//! Pure functions over rows loaded in one query, so a thread of any size costs the same
//! number of queries.

use std::collections::HashMap;

use comments_api::Comment;

use crate::rows::{CommentRow, Sight, Viewing};

/// The comments of one post as `viewing` sees them, in reading order: each top-level comment
/// followed by its replies, depth first, siblings in the order of `rows` (oldest first).
///
/// Deleted comments and comments the viewer may not read are kept as placeholders only when
/// some reply under them is shown; otherwise they are left out.
pub(crate) fn shape(rows: &[CommentRow], viewing: Viewing) -> Vec<Comment> {
    let index: HashMap<i64, usize> = rows.iter().enumerate().map(|(i, r)| (r.id, i)).collect();
    let parent_of: Vec<Option<usize>> = rows
        .iter()
        .map(|row| {
            row.parent_id
                .and_then(|p| index.get(&p).copied())
                .filter(|p| rows[*p].id != row.id)
        })
        .collect();
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); rows.len()];
    let mut roots = Vec::new();
    for (i, parent) in parent_of.iter().enumerate() {
        match parent {
            Some(p) => children[*p].push(i),
            None => roots.push(i),
        }
    }

    // Depth-first, without recursion (a chain of replies may be long).
    let mut order: Vec<(usize, u32)> = Vec::with_capacity(rows.len());
    let mut stack: Vec<(usize, u32)> = roots.iter().rev().map(|r| (*r, 0)).collect();
    while let Some((i, depth)) = stack.pop() {
        order.push((i, depth));
        stack.extend(children[i].iter().rev().map(|c| (*c, depth + 1)));
    }

    let sights: Vec<Sight> = rows.iter().map(|row| row.sight(viewing)).collect();
    // Children come after their parent in `order`, so walking it backwards settles every
    // reply before the comment it answers.
    let mut keep = vec![false; rows.len()];
    for (i, _) in order.iter().rev() {
        keep[*i] = keep[*i] || sights[*i] == Sight::Full;
        if keep[*i]
            && let Some(p) = parent_of[*i]
        {
            keep[p] = true;
        }
    }
    order
        .into_iter()
        .filter(|(i, _)| keep[*i])
        .map(|(i, depth)| rows[i].to_comment(sights[i], depth))
        .collect()
}

/// The depth of comment `id` given every `(id, parent_id)` of its post: the number of
/// ancestors. Stops at a loop or a missing parent (neither can be stored).
pub(crate) fn depth_of(id: i64, parents: &HashMap<i64, Option<i64>>) -> u32 {
    let mut depth = 0;
    let mut current = id;
    while let Some(Some(parent)) = parents.get(&current) {
        if depth as usize >= parents.len() {
            break;
        }
        depth += 1;
        current = *parent;
    }
    depth
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, NaiveDateTime};
    use comments_api::CommentStatus;

    use super::*;

    fn at(minute: i64) -> NaiveDateTime {
        DateTime::from_timestamp(1_800_000_000 + minute * 60, 0)
            .unwrap()
            .naive_utc()
    }

    fn row(id: i64, parent_id: Option<i64>, author_id: i64, status: &str) -> CommentRow {
        CommentRow {
            id,
            post_id: 1,
            author_id,
            parent_id,
            body_markdown: format!("comment {id}"),
            body_html: format!("<p>comment {id}</p>"),
            status: status.into(),
            created_at: at(id),
            updated_at: at(id),
            deleted_at: None,
            edited_at: None,
        }
    }

    const READER: Viewing = Viewing {
        viewer_id: None,
        moderates: false,
    };
    const MODERATOR: Viewing = Viewing {
        viewer_id: Some(99),
        moderates: true,
    };

    fn ids_and_depths(comments: &[Comment]) -> Vec<(i64, u32)> {
        comments.iter().map(|c| (c.id, c.depth)).collect()
    }

    #[test]
    fn replies_follow_their_parent_depth_first() {
        let rows = [
            row(1, None, 10, "visible"),
            row(2, None, 11, "visible"),
            row(3, Some(1), 12, "visible"),
            row(4, Some(3), 10, "visible"),
            row(5, Some(1), 13, "visible"),
            row(6, Some(2), 10, "visible"),
        ];
        let thread = shape(&rows, READER);
        assert_eq!(
            ids_and_depths(&thread),
            [(1, 0), (3, 1), (4, 2), (5, 1), (2, 0), (6, 1)]
        );
        assert_eq!(thread[0].author_id, Some(10));
        assert_eq!(thread[0].body_html, "<p>comment 1</p>");
    }

    #[test]
    fn hidden_and_pending_comments_become_placeholders_only_when_needed() {
        let mut deleted = row(4, None, 12, "visible");
        deleted.deleted_at = Some(at(9));
        let rows = [
            row(1, None, 10, "hidden"),
            row(2, Some(1), 11, "visible"),
            row(3, None, 12, "pending"),
            deleted.clone(),
            row(5, Some(4), 13, "visible"),
            row(6, None, 14, "hidden"),
            row(7, Some(6), 15, "pending"),
        ];
        let reader = shape(&rows, READER);
        assert_eq!(ids_and_depths(&reader), [(1, 0), (2, 1), (4, 0), (5, 1)]);
        assert!(reader[0].withheld && reader[0].author_id.is_none());
        assert!(reader[0].body_html.is_empty() && reader[0].body_markdown.is_empty());
        assert!(reader[2].deleted && reader[2].author_id.is_none());
        assert!(!reader[1].is_placeholder());

        // The author of the pending comment 3 sees it, marked as waiting.
        let author = shape(
            &rows,
            Viewing {
                viewer_id: Some(12),
                moderates: false,
            },
        );
        let own = author.iter().find(|c| c.id == 3).unwrap();
        assert!(own.awaiting_approval());
        assert_eq!(own.author_id, Some(12));

        let moderator = shape(&rows, MODERATOR);
        assert_eq!(
            ids_and_depths(&moderator),
            [(1, 0), (2, 1), (3, 0), (4, 0), (5, 1), (6, 0), (7, 1)]
        );
        assert_eq!(moderator[0].status, CommentStatus::Hidden);
        assert!(!moderator[0].withheld);
        assert!(moderator[3].deleted, "deleted stays a placeholder for all");

        // A deleted comment with no reply left is not shown at all.
        let alone = shape(&[deleted], MODERATOR);
        assert!(alone.is_empty());
    }

    #[test]
    fn depth_walks_up_to_the_top() {
        let parents: HashMap<i64, Option<i64>> = [
            (1, None),
            (2, Some(1)),
            (3, Some(2)),
            (4, Some(3)),
            (9, Some(9)),
        ]
        .into_iter()
        .collect();
        assert_eq!(depth_of(1, &parents), 0);
        assert_eq!(depth_of(4, &parents), 3);
        assert_eq!(depth_of(7, &parents), 0);
        // A loop (impossible in the table) still ends.
        assert!(depth_of(9, &parents) <= 5);
    }
}
