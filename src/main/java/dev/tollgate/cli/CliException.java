package dev.tollgate.cli;

/** A CLI failure with a message for the user; printed without a stack trace, exit code 1. */
final class CliException extends RuntimeException {
  CliException(String message) {
    super(message);
  }
}
