//! Budgets that keep one page's template from running away (issue 18,
//! case 3). Tera has no hook inside its loops, so three guards cover what
//! a loop can do:
//!
//! - `range()` may produce at most [`RANGE_BUDGET`] values per page (the
//!   error is at the template line of the call);
//! - everything a page's template writes passes through a [`Meter`] that
//!   stops the render past [`time_budget`] or [`SIZE_BUDGET`], with an
//!   error at the template line of the last text written;
//! - a loop that writes nothing cannot be stopped from inside, so a
//!   watchdog ends the process if one render outlasts the budget
//!   [`STUCK_FACTOR`] times over. Pages are staged, not yet in place, while
//!   they render, so the output folder keeps its previous state.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::io::{self, Write};
use std::sync::{Mutex, OnceLock};
use std::thread::ThreadId;
use std::time::{Duration, Instant};

use tera::{Context, Kwargs, State, Tera};

/// How many values `range()` may produce while one page renders: far
/// above any real template, far below the nested loops of a template
/// that would run for minutes (two loops of 99,999 are ten billion).
pub const RANGE_BUDGET: u64 = 1_000_000;

/// How long one template render may take unless `CAIRN_TEMPLATE_BUDGET`
/// (seconds) says otherwise. The slowest page of the 10,000-page benchmark
/// renders in a few milliseconds.
pub const TIME_BUDGET: Duration = Duration::from_secs(10);

/// How much one render may write: a hundred times the largest page of
/// the 10,000-page benchmark (its home page lists every role).
pub const SIZE_BUDGET: usize = 100 << 20;

/// A render that writes nothing is ended (with the process) once it has
/// run this many time budgets.
pub const STUCK_FACTOR: u32 = 6;

/// The time budget for one render: [`TIME_BUDGET`], or
/// `CAIRN_TEMPLATE_BUDGET` in seconds.
pub fn time_budget() -> Duration {
    static BUDGET: OnceLock<Duration> = OnceLock::new();
    *BUDGET.get_or_init(|| {
        std::env::var("CAIRN_TEMPLATE_BUDGET")
            .ok()
            .and_then(|s| s.trim().parse::<f64>().ok())
            .filter(|s| s.is_finite() && *s > 0.0)
            .map_or(TIME_BUDGET, Duration::from_secs_f64)
    })
}

thread_local! {
    /// What is left of [`RANGE_BUDGET`] for the render on this thread (a
    /// render runs on one thread, start to end).
    static RANGE_LEFT: Cell<u64> = const { Cell::new(RANGE_BUDGET) };
    /// Why the meter stopped the render on this thread, if it did.
    static STOPPED: RefCell<Option<Overrun>> = const { RefCell::new(None) };
}

/// A render stopped by its budget.
#[derive(Debug, Clone, PartialEq)]
pub struct Overrun {
    /// What ran out, for the message: "time" or "size".
    pub what: &'static str,
    /// The last literal text the template wrote before it was stopped (at
    /// most 200 bytes), to find its line.
    pub last_text: String,
}

impl Overrun {
    /// The message shown at the template line.
    pub fn message(&self) -> String {
        match self.what {
            "size" => format!(
                "rendering stopped: this template wrote more than {} MB for one page; a loop around this line is probably far too large",
                SIZE_BUDGET >> 20
            ),
            _ => format!(
                "rendering stopped after {:.0} s, the budget for one page; a loop around this line is probably far too large",
                time_budget().as_secs_f64()
            ),
        }
    }
}

/// Why a render failed.
pub enum Failure {
    /// Tera's own error (it knows the template and line).
    Tera(tera::Error),
    /// The budget ran out.
    Overrun(Overrun),
}

/// Renders `template` with `ctx` under the budgets above.
pub fn render(tera: &Tera, template: &str, ctx: &Context) -> Result<String, Failure> {
    RANGE_LEFT.with(|left| left.set(RANGE_BUDGET));
    STOPPED.with(|s| s.borrow_mut().take());
    let _watched = Watched::start(template);
    let mut meter = Meter::new(time_budget());
    match tera.render_to(template, ctx, &mut meter) {
        Ok(()) => String::from_utf8(meter.out)
            .map_err(|e| Failure::Tera(tera::Error::message(e.to_string()))),
        Err(e) => Err(match STOPPED.with(|s| s.borrow_mut().take()) {
            Some(o) => Failure::Overrun(o),
            None => Failure::Tera(e),
        }),
    }
}

/// The output of one render, checked against the budgets every
/// [`Meter::EVERY`] writes (reading the clock on each write would cost
/// more than the check is worth).
struct Meter {
    out: Vec<u8>,
    deadline: Instant,
    writes: u32,
    /// Where the last literal text starts and ends in `out`.
    last_text: (usize, usize),
}

impl Meter {
    const EVERY: u32 = 64;

    fn new(budget: Duration) -> Self {
        Meter {
            out: Vec::with_capacity(16 << 10),
            deadline: Instant::now() + budget,
            writes: 0,
            last_text: (0, 0),
        }
    }

    fn stop(&self, what: &'static str) -> io::Error {
        let (a, b) = self.last_text;
        let text = &self.out[a..b.min(a + 200)];
        let last_text = String::from_utf8_lossy(text).into_owned();
        STOPPED.with(|s| *s.borrow_mut() = Some(Overrun { what, last_text }));
        io::Error::other("template budget")
    }
}

impl Write for Meter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let start = self.out.len();
        self.out.extend_from_slice(buf);
        // Values are escaped HTML; the template's own text is what can be
        // found again in its source. Text with a tag or a newline is the
        // template's far more often than a value's.
        if buf.iter().any(|&b| b == b'<' || b == b'\n') {
            self.last_text = (start, self.out.len());
        }
        self.writes = self.writes.wrapping_add(1);
        if self.out.len() > SIZE_BUDGET {
            return Err(self.stop("size"));
        }
        if self.writes.is_multiple_of(Self::EVERY) && Instant::now() > self.deadline {
            return Err(self.stop("time"));
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Renders running now, by thread: when each started and its template.
fn running() -> &'static Mutex<HashMap<ThreadId, (Instant, String)>> {
    static RUNNING: OnceLock<Mutex<HashMap<ThreadId, (Instant, String)>>> = OnceLock::new();
    RUNNING.get_or_init(|| {
        std::thread::Builder::new()
            .name("template-watchdog".into())
            .spawn(watchdog)
            .ok();
        Mutex::new(HashMap::new())
    })
}

/// One render on the watchdog's list, for as long as it lives.
struct Watched;

impl Watched {
    fn start(template: &str) -> Watched {
        if let Ok(mut r) = running().lock() {
            r.insert(
                std::thread::current().id(),
                (Instant::now(), template.to_string()),
            );
        }
        Watched
    }
}

impl Drop for Watched {
    fn drop(&mut self) {
        if let Ok(mut r) = running().lock() {
            r.remove(&std::thread::current().id());
        }
    }
}

/// Ends the process when a render has outlasted [`STUCK_FACTOR`] budgets:
/// only a loop that writes nothing gets there, and nothing else can stop it.
fn watchdog() {
    let limit = time_budget() * STUCK_FACTOR;
    let tick = (time_budget() / 4).clamp(Duration::from_millis(50), Duration::from_secs(1));
    loop {
        std::thread::sleep(tick);
        let stuck = running().lock().ok().and_then(|r| {
            r.values()
                .find(|(t, _)| t.elapsed() > limit)
                .map(|(_, name)| name.clone())
        });
        if let Some(name) = stuck {
            eprintln!(
                "templates/{name}: rendering one page has run for more than {:.0} s without writing anything; a loop in this template (or in one it extends or includes) is probably far too large\nerror: cairn stopped; the pages in the output folder are left as they were",
                limit.as_secs_f64()
            );
            std::process::exit(1);
        }
    }
}

/// `range(end=N)`, `range(start=A, end=B, step_by=S)`: the integers from
/// `start` (default 0) up to `end` (excluded), or down with a negative
/// step, counted against the page's [`RANGE_BUDGET`].
pub fn range(kwargs: Kwargs, _: &State) -> tera::TeraResult<Vec<i64>> {
    let start = kwargs.get::<i64>("start")?.unwrap_or(0);
    let end = kwargs.must_get::<i64>("end")?;
    let step = kwargs.get::<i64>("step_by")?.unwrap_or(1);
    if step == 0 {
        return Err(tera::Error::message(
            "`range` needs a `step_by` other than 0",
        ));
    }
    if step > 0 && start > end {
        return Err(tera::Error::message(
            "`range` was given a `start` greater than its `end`",
        ));
    }
    let span = (i128::from(end) - i128::from(start)).unsigned_abs();
    let len = span.div_ceil(i128::from(step).unsigned_abs());
    let len = if (end >= start) == (step > 0) { len } else { 0 };
    let left = RANGE_LEFT.with(|l| l.get());
    if len > u128::from(left) {
        return Err(tera::Error::message(format!(
            "`range` would go past {RANGE_BUDGET} values on this page; a loop this large would take minutes to render"
        )));
    }
    RANGE_LEFT.with(|l| l.set(left - len as u64));
    Ok((0..len as i64).map(|i| start + i * step).collect())
}

/// Where `text` (the last text a stopped render wrote) is in the
/// templates: the first of `sources` (name, text) holding its longest
/// line, and the 1-based line and column there.
pub fn locate<'a>(
    text: &str,
    sources: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Option<(&'a str, usize, usize)> {
    let needle = text
        .lines()
        .map(str::trim)
        .filter(|l| l.len() >= 3)
        .max_by_key(|l| l.len())?;
    sources.into_iter().find_map(|(name, src)| {
        let at = src.find(needle)?;
        let (line, col) = crate::diagnostics::line_col(src, at);
        Some((name, line, col))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_meter_stops_a_render_past_its_deadline_and_keeps_the_last_text() {
        let mut m = Meter::new(Duration::ZERO);
        std::thread::sleep(Duration::from_millis(2));
        let mut failed = None;
        for i in 0..Meter::EVERY {
            let r = if i % 2 == 0 {
                m.write_all(b"<li>row</li>\n")
            } else {
                m.write_all(b"value")
            };
            if let Err(e) = r {
                failed = Some(e);
                break;
            }
        }
        assert!(failed.is_some(), "the meter never looked at the clock");
        let o = STOPPED.with(|s| s.borrow_mut().take()).unwrap();
        assert_eq!(o.what, "time");
        assert_eq!(o.last_text, "<li>row</li>\n");
        // Within its deadline it writes everything.
        let mut m = Meter::new(Duration::from_secs(60));
        for _ in 0..1000 {
            m.write_all(b"ab").unwrap();
        }
        assert_eq!(m.out.len(), 2000);
    }

    #[test]
    fn the_meter_stops_a_render_past_its_size() {
        let mut m = Meter::new(Duration::from_secs(60));
        let chunk = vec![b'x'; 1 << 20];
        let mut n = 0;
        while m.write_all(&chunk).is_ok() {
            n += 1;
            assert!(n <= SIZE_BUDGET >> 20, "never stopped");
        }
        assert_eq!(n, SIZE_BUDGET >> 20);
        let o = STOPPED.with(|s| s.borrow_mut().take()).unwrap();
        assert_eq!(o.what, "size");
    }

    #[test]
    fn locate_finds_the_longest_line_of_the_last_text() {
        let sources = [
            (
                "base.html",
                "<html>\n{% block b %}{% endblock %}\n</html>\n",
            ),
            (
                "page.html",
                "{% extends \"base.html\" %}\n{% block b %}\n{% for a in x %}\n  <p class=\"pair\">{{ a }}</p>\n{% endfor %}\n{% endblock %}\n",
            ),
        ];
        assert_eq!(
            locate("</p>\n  <p class=\"pair\">", sources),
            Some(("page.html", 4, 3))
        );
        assert_eq!(locate("\n", sources), None);
        assert_eq!(locate("<nowhere to be found>", sources), None);
    }
}
