//! Background jobs: each feature hands the composition root its housekeeping as [`Job`]s
//! (a name, a period, an async step); one runner runs each on its own timer and stops them
//! with the application. A failing step is logged and retried at the next tick.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

type Step = Arc<dyn Fn() -> Pin<Box<dyn Future<Output = anyhow::Result<()>> + Send>> + Send + Sync>;

/// One periodic piece of background work.
#[derive(Clone)]
pub struct Job {
    pub name: &'static str,
    pub every: Duration,
    step: Step,
}

impl std::fmt::Debug for Job {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Job").field("name", &self.name).field("every", &self.every).finish()
    }
}

impl Job {
    pub fn new<F, Fut>(name: &'static str, every: Duration, step: F) -> Self
    where
        F: Fn() -> Fut + Send + Sync + 'static,
        Fut: Future<Output = anyhow::Result<()>> + Send + 'static,
    {
        Self { name, every, step: Arc::new(move || Box::pin(step())) }
    }

    /// Runs the step once now.
    pub async fn run_once(&self) -> anyhow::Result<()> {
        (self.step)().await
    }
}

/// The running jobs; dropping or [`Jobs::stop`]ping them ends every loop.
#[derive(Debug, Default)]
pub struct Jobs(Vec<tokio::task::JoinHandle<()>>);

impl Jobs {
    /// Starts every job on its own timer (first run after one period).
    pub fn start(jobs: Vec<Job>) -> Self {
        Self(
            jobs.into_iter()
                .map(|job| {
                    tokio::spawn(async move {
                        let mut tick = tokio::time::interval(job.every);
                        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
                        tick.tick().await;
                        loop {
                            tick.tick().await;
                            if let Err(e) = job.run_once().await {
                                tracing::warn!(
                                    job = job.name,
                                    error = format!("{e:#}"),
                                    "background job failed"
                                );
                            }
                        }
                    })
                })
                .collect(),
        )
    }

    pub fn stop(self) {
        drop(self);
    }
}

impl Drop for Jobs {
    fn drop(&mut self) {
        for handle in &self.0 {
            handle.abort();
        }
    }
}
