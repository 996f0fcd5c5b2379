//! "What people ask": the questions of door-to-door visits and meeting reports
//! counted per topic, per branch and per ISO week (branch-local days), the free
//! text of the most asked topics, and the topics no published talking point
//! answers yet. Each part is one grouped query (see `db::question_report`).

use std::collections::{BTreeMap, HashSet};

use chrono::{Datelike, NaiveDate, TimeDelta, Utc};

use crate::auth::SessionUser;
use crate::db::Db;
use crate::db::branches;
use crate::db::question_report::{self, QuestionFilter, QuestionGroup};
use crate::domain::role::Role;
use crate::dto::question_report::{
    BranchQuestions, QuestionCounts, QuestionReport, QuestionReportQuery, QuestionSampleOut, QuestionSource,
    QuestionTopic, TopTopic, UnansweredTopic, WeekQuestions,
};
use crate::error::{ApiError, ErrorCode};
use crate::service::local_days;

const DEFAULT_TOP: u32 = 10;
const MAX_TOP: u32 = 10;
const DEFAULT_SAMPLES: u32 = 3;
const MAX_SAMPLES: u32 = 20;
/// The default period: twelve weeks up to `to`.
const DEFAULT_DAYS: i64 = 84;
/// The longest period (53 weeks), so the weekly part stays bounded.
const MAX_DAYS: i64 = 371;

fn counts(group: &QuestionGroup) -> QuestionCounts {
    QuestionCounts {
        questions: group.questions,
        from_visits: group.from_visits,
        from_meetings: group.questions - group.from_visits,
    }
}

/// The ISO week of a Monday as `2026-W49`.
fn iso_week(monday: NaiveDate) -> String {
    let week = monday.iso_week();
    format!("{}-W{:02}", week.year(), week.week())
}

fn parse_week(text: &str) -> Result<NaiveDate, ApiError> {
    text.parse().map_err(|_| ApiError::internal(format!("the report's week {text:?} is not a date")))
}

fn in_range(value: Option<u32>, default: u32, min: u32, max: u32, name: &str) -> Result<u32, ApiError> {
    let value = value.unwrap_or(default);
    if (min..=max).contains(&value) {
        Ok(value)
    } else {
        Err(ApiError::invalid(
            &format!("query.{name}"),
            ErrorCode::Range,
            format!("{name} must be between {min} and {max}"),
        ))
    }
}

/// The report for `query`: staff and observers, any branch or the nation, like
/// the other national reports (the counts name no person and no address). The
/// free-text samples follow what each role may read of the texts.
pub async fn report(db: &Db, actor: &SessionUser, query: QuestionReportQuery) -> Result<QuestionReport, ApiError> {
    let actor = actor.clone();
    if actor.role == Role::Volunteer {
        return Err(ApiError::Forbidden("volunteers do not read the questions report".into()));
    }
    local_days::ensure_in_order(query.from, query.to)?;
    let top = in_range(query.top, DEFAULT_TOP, 1, MAX_TOP, "top")?;
    let samples = in_range(query.samples, DEFAULT_SAMPLES, 0, MAX_SAMPLES, "samples")?;
    let branch = query.branch.clone();
    db.run_report(move |conn| {
        if let Some(code) = &branch
            && branches::find(conn, code)?.is_none()
        {
            return Err(ApiError::not_found(format!("branch {code}")));
        }
        let branches = local_days::branch_offsets(conn, branch.as_deref())?;
        // Today is the latest local day among the branches reported on.
        let ahead = branches.iter().map(|(_, minutes)| *minutes).max().unwrap_or(0);
        let today = (Utc::now().naive_utc() + TimeDelta::minutes(i64::from(ahead))).date();
        let to = query.to.unwrap_or_else(|| query.from.map_or(today, |from| today.max(from)));
        let from = query.from.unwrap_or(to - TimeDelta::days(DEFAULT_DAYS - 1));
        if (to - from).num_days() >= MAX_DAYS {
            return Err(ApiError::invalid(
                "query.to",
                ErrorCode::Range,
                format!("the period is at most {MAX_DAYS} days (53 weeks); name both from and to"),
            ));
        }
        let filter = QuestionFilter { branches, from, to };
        let topics = question_report::per_topic(conn, &filter)?;
        let weeks = question_report::per_week(conn, &filter)?;
        let per_branch = question_report::per_branch(conn, &filter)?;
        let answered: HashSet<QuestionTopic> = question_report::answered_topics(conn)?.into_iter().collect();

        let mut totals = QuestionCounts::default();
        let mut asked: BTreeMap<&str, (QuestionTopic, QuestionCounts)> = BTreeMap::new();
        for group in &topics {
            let group_counts = counts(group);
            totals.questions += group_counts.questions;
            totals.from_visits += group_counts.from_visits;
            totals.from_meetings += group_counts.from_meetings;
            asked.insert(group.topic.as_str(), (group.topic, group_counts));
        }
        // Most asked first; ties by name (the map's order, kept by a stable sort).
        let mut ranked: Vec<(QuestionTopic, QuestionCounts)> = asked.values().copied().collect();
        ranked.sort_by_key(|(_, counts)| std::cmp::Reverse(counts.questions));
        ranked.truncate(usize::try_from(top).unwrap_or(usize::MAX));
        let top_list: Vec<QuestionTopic> = ranked.iter().map(|(topic, _)| *topic).collect();
        let mut texts: BTreeMap<&str, Vec<QuestionSampleOut>> = BTreeMap::new();
        // Free text may name people, like a meeting report's question texts:
        // observers get none; a coordinator only their own branch's (the
        // counts are national aggregates, the texts are not).
        let sample_filter = match actor.role {
            Role::Observer => None,
            Role::Coordinator => Some(QuestionFilter {
                branches: filter
                    .branches
                    .iter()
                    .filter(|(code, _)| actor.branch.as_ref() == Some(code))
                    .cloned()
                    .collect(),
                ..filter.clone()
            }),
            _ => Some(filter.clone()),
        };
        let found = match &sample_filter {
            Some(sample_filter) => question_report::samples(conn, sample_filter, &top_list, i64::from(samples))?,
            None => Vec::new(),
        };
        for sample in found {
            let source = if sample.source == "meeting" { QuestionSource::Meeting } else { QuestionSource::Visit };
            let week = iso_week(parse_week(&sample.week_start)?);
            texts.entry(sample.topic.as_str()).or_default().push(QuestionSampleOut {
                text: sample.text,
                source,
                branch: sample.branch,
                week,
            });
        }
        let top_topics = ranked
            .into_iter()
            .map(|(topic, counts)| TopTopic {
                topic,
                counts,
                has_published_answer: answered.contains(&topic),
                samples: texts.remove(topic.as_str()).unwrap_or_default(),
            })
            .collect();

        let mut unanswered_topics: Vec<UnansweredTopic> = QuestionTopic::ALL
            .iter()
            .filter(|topic| !answered.contains(topic))
            .map(|topic| UnansweredTopic {
                topic: *topic,
                questions: asked.get(topic.as_str()).map_or(0, |(_, counts)| counts.questions),
            })
            .collect();
        unanswered_topics.sort_by(|a, b| b.questions.cmp(&a.questions).then(a.topic.as_str().cmp(b.topic.as_str())));

        let per_week = weeks
            .iter()
            .map(|group| {
                let week_start = parse_week(&group.grp)?;
                Ok(WeekQuestions { week: iso_week(week_start), week_start, topic: group.topic, counts: counts(group) })
            })
            .collect::<Result<Vec<_>, ApiError>>()?;
        let per_branch = per_branch
            .iter()
            .map(|group| BranchQuestions { branch: group.grp.clone(), topic: group.topic, counts: counts(group) })
            .collect();
        Ok(QuestionReport { branch, from, to, totals, top_topics, unanswered_topics, per_week, per_branch })
    })
    .await
}
