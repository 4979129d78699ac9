package dev.tollgate.providers;

/** Lets the gateway stop a stream, e.g. when the caller hung up: the upstream request is reset. */
@FunctionalInterface
public interface StreamHandle {
  void cancel();
}
