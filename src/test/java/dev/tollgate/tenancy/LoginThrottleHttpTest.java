package dev.tollgate.tenancy;

import static dev.tollgate.testing.OpenAiErrors.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.testing.MutableClock;
import dev.tollgate.testing.TestGateway;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Password guessing is limited per account and per client address (GCRA per minute): the attempt over the
 * limit is a 429 with Retry-After, even with the right password, and the bucket refills with time.
 */
class LoginThrottleHttpTest {
  private static final String PASSWORD = "s3cret-enough";
  @TempDir
  Path dir;
  final MutableClock clock = new MutableClock();
  TestGateway gateway;

  @BeforeEach
  void start() {
    gateway = TestGateway.builder(dir).clock(clock).auth(a -> a.withLoginAttempts(3, 5)).start();
    gateway.createUser("alice@example.com", PASSWORD, "[{\"role\":\"owner\"}]");
    gateway.createUser("bob@example.com", PASSWORD, "[{\"role\":\"owner\"}]");
  }

  @AfterEach
  void stop() {
    gateway.close();
  }

  private HttpResponse<String> login(String email, String password) {
    return gateway.send(gateway.request("/api/v1/auth/login").header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"email\":\"" + email + "\",\"password\":\"" + password + "\"}")).build());
  }

  @Test
  void guessesOverTheAccountLimit_are429_evenWithTheRightPassword_untilTheBucketRefills() {
    for (int i = 0; i < 3; i++) {
      assertError(login("alice@example.com", "guess-" + i), 401, "invalid_request_error", "invalid_credentials");
    }
    HttpResponse<String> refused = login("ALICE@example.com", PASSWORD); // the same account, however it is spelled
    assertError(refused, 429, "rate_limit_error", "rate_limit_exceeded");
    assertThat(refused.body()).contains("this account");
    assertThat(Long.parseLong(refused.headers().firstValue("retry-after").orElseThrow())).isBetween(1L, 60L);

    assertThat(login("bob@example.com", PASSWORD).statusCode()).as("another account is not affected").isEqualTo(200);

    clock.advance(Duration.ofSeconds(21)); // 3 a minute: one attempt every 20 s
    assertThat(login("alice@example.com", PASSWORD).statusCode()).isEqualTo(200);
  }

  @Test
  void guessesOverTheAddressLimit_areRefusedForEveryAccount() {
    for (int i = 0; i < 5; i++) {
      login("user" + i + "@example.com", "guess"); // 5 unknown accounts from one address
    }
    HttpResponse<String> refused = login("bob@example.com", PASSWORD);
    assertError(refused, 429, "rate_limit_error", "rate_limit_exceeded");
    assertThat(refused.body()).contains("this client address");
  }
}
