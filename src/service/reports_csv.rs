//! The campaign reports as CSV for spreadsheets: UTF-8 with a byte-order mark
//! (so spreadsheets read Kazakh and Russian text as such), one header row.

use crate::dto::report::{BranchesReport, ReportSeries, ReportSummary};
use crate::error::ApiError;

fn csv_error(err: impl std::fmt::Display) -> ApiError {
    ApiError::internal(format!("csv: {err}"))
}

/// The rows as UTF-8 CSV with a byte-order mark.
fn write(header: &[&str], rows: Vec<Vec<String>>) -> Result<Vec<u8>, ApiError> {
    let mut out = "\u{feff}".as_bytes().to_vec();
    {
        let mut writer = csv::Writer::from_writer(&mut out);
        writer.write_record(header).map_err(csv_error)?;
        for row in rows {
            writer.write_record(&row).map_err(csv_error)?;
        }
        writer.flush().map_err(csv_error)?;
    }
    Ok(out)
}

/// The summary, one measure a row: `measure,value,title_kk,title_ru` (the
/// titles only on the rows of materials handed out, whose measure is
/// `materials_handed_out.<material id>`).
pub fn summary(report: &ReportSummary) -> Result<Vec<u8>, ApiError> {
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut row =
        |measure: &str, value: String| rows.push(vec![measure.to_owned(), value, String::new(), String::new()]);
    row("branch", report.branch.clone().unwrap_or_default());
    row("from", report.from.to_string());
    row("to", report.to.to_string());
    row("polling_day", report.polling_day.map(|day| day.to_string()).unwrap_or_default());
    row("days_to_polling_day", report.days_to_polling_day.map(|days| days.to_string()).unwrap_or_default());
    let v = &report.volunteers;
    for (name, value) in [
        ("total", v.total),
        ("applicant", v.applicant),
        ("active", v.active),
        ("paused", v.paused),
        ("left", v.left),
        ("new_in_range", v.new_in_range),
    ] {
        row(&format!("volunteers.{name}"), value.to_string());
    }
    for (kind, count) in &report.events.by_kind {
        row(&format!("events.by_kind.{kind}"), count.to_string());
    }
    for (status, count) in &report.events.by_status {
        row(&format!("events.by_status.{status}"), count.to_string());
    }
    let s = &report.shifts;
    for (name, value) in [
        ("shifts", s.shifts.to_string()),
        ("capacity", s.capacity.to_string()),
        ("signed_up", s.signed_up.to_string()),
        ("fill_rate", s.fill_rate.to_string()),
        ("attended", s.attended.to_string()),
        ("no_show", s.no_show.to_string()),
        ("attendance_rate", s.attendance_rate.to_string()),
        ("no_show_rate", s.no_show_rate.to_string()),
    ] {
        row(&format!("shifts.{name}"), value);
    }
    let d = &report.door_to_door;
    for (name, value) in [
        ("routes", d.routes),
        ("stops", d.stops),
        ("stops_visited", d.stops_visited),
        ("visits", d.visits),
        ("doors_knocked", d.doors_knocked),
        ("conversations", d.conversations),
    ] {
        row(&format!("door_to_door.{name}"), value.to_string());
    }
    let m = &report.meetings;
    for (name, value) in [
        ("held", m.held),
        ("attendance", m.attendance),
        ("organisations_met", m.organisations_met),
        ("employees_reached", m.employees_reached),
    ] {
        row(&format!("meetings.{name}"), value.to_string());
    }
    row("posters.sites", report.posters.sites.to_string());
    row("posters.sites_with_current_poster", report.posters.sites_with_current_poster.to_string());
    let p = &report.social_media;
    for (name, value) in [
        ("posts", p.posts),
        ("views", p.views),
        ("reactions", p.reactions),
        ("shares", p.shares),
        ("comments", p.comments),
    ] {
        row(&format!("social_media.{name}"), value.to_string());
    }
    let l = &report.localities;
    row("localities.rural_settlements", l.rural_settlements.to_string());
    row("localities.rural_settlements_reached", l.rural_settlements_reached.to_string());
    row("localities.share_reached", l.share_reached.to_string());
    for material in &report.materials_handed_out {
        rows.push(vec![
            format!("materials_handed_out.{}", material.material_id),
            material.quantity.to_string(),
            material.title.kk.clone(),
            material.title.ru.clone(),
        ]);
    }
    write(&["measure", "value", "title_kk", "title_ru"], rows)
}

/// The series columns.
pub const SERIES_COLUMNS: [&str; 13] = [
    "date",
    "volunteers_new",
    "events_held",
    "shifts_attended",
    "visits",
    "doors_knocked",
    "conversations",
    "materials_handed_out",
    "meetings_held",
    "meeting_attendance",
    "posters_placed",
    "social_posts",
    "social_views",
];

/// The series, one point a row, oldest first.
pub fn series(report: &ReportSeries) -> Result<Vec<u8>, ApiError> {
    let rows = report
        .points
        .iter()
        .map(|p| {
            let mut row = vec![p.date.to_string()];
            row.extend(
                [
                    p.volunteers_new,
                    p.events_held,
                    p.shifts_attended,
                    p.visits,
                    p.doors_knocked,
                    p.conversations,
                    p.materials_handed_out,
                    p.meetings_held,
                    p.meeting_attendance,
                    p.posters_placed,
                    p.social_posts,
                    p.social_views,
                ]
                .map(|value| value.to_string()),
            );
            row
        })
        .collect();
    write(&SERIES_COLUMNS, rows)
}

/// The branches side by side, one a row, by code.
pub fn branches(report: &BranchesReport) -> Result<Vec<u8>, ApiError> {
    let rows = report
        .items
        .iter()
        .map(|b| {
            vec![
                b.code.clone(),
                b.name.kk.clone(),
                b.name.ru.clone(),
                b.name.en.clone(),
                b.volunteers_active.to_string(),
                b.visits.to_string(),
                b.doors_knocked.to_string(),
                b.meetings_held.to_string(),
                b.posters_current.to_string(),
                b.social_posts.to_string(),
                b.rural_settlements.to_string(),
                b.rural_settlements_reached.to_string(),
                b.share_reached.to_string(),
            ]
        })
        .collect();
    write(
        &[
            "code",
            "name_kk",
            "name_ru",
            "name_en",
            "volunteers_active",
            "visits",
            "doors_knocked",
            "meetings_held",
            "posters_current",
            "social_posts",
            "rural_settlements",
            "rural_settlements_reached",
            "share_reached",
        ],
        rows,
    )
}
