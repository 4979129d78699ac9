package dev.tollgate.ratelimit;

import java.util.List;
import java.util.Optional;

/** Where rate-limit rules are kept. Implementations live in {@code dev.tollgate.storage}. */
public interface RateLimitRuleStore {
  void insert(RateLimitRule rule);

  boolean delete(String id);

  Optional<RateLimitRule> find(String id);

  List<RateLimitRule> all();
}
