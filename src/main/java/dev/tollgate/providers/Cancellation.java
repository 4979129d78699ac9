package dev.tollgate.providers;

import io.vertx.core.http.HttpClientRequest;

/**
 * Lets the gateway stop a non-streamed upstream call when the caller hangs up, so nobody keeps paying
 * for tokens nobody will read (streams have {@link StreamHandle}). Confined to one event loop.
 */
public final class Cancellation {
  private Runnable action;
  private boolean cancelled;

  /** Runs {@code action} on {@link #cancel()}, or now if that already happened. */
  public void onCancel(Runnable action) {
    if (cancelled) {
      action.run();
    } else {
      this.action = action;
    }
  }

  /** Resets {@code request} on cancellation: the upstream sees the connection reset. */
  public void resets(HttpClientRequest request) {
    onCancel(request::reset);
  }

  public void cancel() {
    if (cancelled) {
      return;
    }
    cancelled = true;
    if (action != null) {
      action.run();
    }
  }

  public boolean cancelled() {
    return cancelled;
  }
}
