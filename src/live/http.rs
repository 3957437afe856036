//! The preview server's connections: accepted at most [`connection_cap`]
//! at a time, each served by hyper with a header timeout, and closed once
//! no byte has moved for a while, so that slow or idle clients cannot hold
//! the descriptors a rebuild needs.

use std::sync::Arc;
use std::time::Duration;

use axum::Router;

/// How long a request's headers may take to arrive, and how long a
/// connection may go without a byte moving either way (the live-reload
/// stream sends a comment every 15 s, so it stays open): 10 s and 30 s.
/// `CAIRN_SERVE_TIMEOUTS=H,I` (seconds) shortens them for tests.
fn timeouts() -> (Duration, Duration) {
    std::env::var("CAIRN_SERVE_TIMEOUTS")
        .ok()
        .and_then(|v| {
            let (h, i) = v.split_once(',')?;
            Some((h.parse().ok()?, i.parse().ok()?))
        })
        .map_or(
            (Duration::from_secs(10), Duration::from_secs(30)),
            |(h, i)| (Duration::from_secs(h), Duration::from_secs(i)),
        )
}

/// How many connections are served at once: half the process's file
/// descriptors, so that a rebuild always has some to read the site with.
/// Past that, new connections wait in the system's queue until one ends.
fn connection_cap() -> usize {
    #[cfg(target_os = "linux")]
    {
        let mut limit = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        // SAFETY: getrlimit writes into the struct it is given.
        if unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) } == 0 {
            return usize::try_from(limit.rlim_cur / 2)
                .unwrap_or(1024)
                .clamp(8, 1024);
        }
    }
    256
}

/// Accepts connections until the process ends, each served on its own
/// task with a header timeout and an idle timeout, at most
/// [`connection_cap`] at a time. A failed accept (out of descriptors, say)
/// waits a moment and goes on.
pub(super) async fn accept_forever(listener: tokio::net::TcpListener, app: Router) {
    let slots = Arc::new(tokio::sync::Semaphore::new(connection_cap()));
    let (header_timeout, idle_timeout) = timeouts();
    loop {
        let Ok(slot) = Arc::clone(&slots).acquire_owned().await else {
            return;
        };
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            Err(_) => {
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let service = hyper_util::service::TowerToHyperService::new(app.clone());
        tokio::spawn(async move {
            let io = hyper_util::rt::TokioIo::new(IdleIo::new(stream, idle_timeout));
            let _ = hyper::server::conn::http1::Builder::new()
                .timer(hyper_util::rt::TokioTimer::new())
                .header_read_timeout(header_timeout)
                .serve_connection(io, service)
                .await;
            drop(slot);
        });
    }
}

/// A connection that fails with `TimedOut` once no byte has moved either
/// way for its idle time: idle keep-alive connections and readers that
/// stopped reading give their descriptor back.
struct IdleIo {
    inner: tokio::net::TcpStream,
    idle: Duration,
    deadline: std::pin::Pin<Box<tokio::time::Sleep>>,
}

impl IdleIo {
    fn new(inner: tokio::net::TcpStream, idle: Duration) -> Self {
        IdleIo {
            inner,
            idle,
            deadline: Box::pin(tokio::time::sleep(idle)),
        }
    }

    /// Progress: the idle time starts again.
    fn moved(&mut self) {
        let next = tokio::time::Instant::now() + self.idle;
        self.deadline.as_mut().reset(next);
    }

    /// Nothing moved: an error once the idle time is over (and a wake-up
    /// then, so that the connection's task sees it).
    fn check_idle(&mut self, cx: &mut std::task::Context<'_>) -> std::io::Result<()> {
        match self.deadline.as_mut().poll(cx) {
            std::task::Poll::Ready(()) => Err(std::io::ErrorKind::TimedOut.into()),
            std::task::Poll::Pending => Ok(()),
        }
    }
}

impl tokio::io::AsyncRead for IdleIo {
    fn poll_read(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &mut tokio::io::ReadBuf<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        let before = buf.filled().len();
        match std::pin::Pin::new(&mut self.inner).poll_read(cx, buf) {
            std::task::Poll::Pending => match self.check_idle(cx) {
                Ok(()) => std::task::Poll::Pending,
                Err(e) => std::task::Poll::Ready(Err(e)),
            },
            ready => {
                if buf.filled().len() > before {
                    self.moved();
                }
                ready
            }
        }
    }
}

impl tokio::io::AsyncWrite for IdleIo {
    fn poll_write(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        data: &[u8],
    ) -> std::task::Poll<std::io::Result<usize>> {
        match std::pin::Pin::new(&mut self.inner).poll_write(cx, data) {
            std::task::Poll::Pending => match self.check_idle(cx) {
                Ok(()) => std::task::Poll::Pending,
                Err(e) => std::task::Poll::Ready(Err(e)),
            },
            ready => {
                if matches!(ready, std::task::Poll::Ready(Ok(n)) if n > 0) {
                    self.moved();
                }
                ready
            }
        }
    }

    fn poll_flush(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::pin::Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::pin::Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}
