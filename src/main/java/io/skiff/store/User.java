package io.skiff.store;

import java.time.Instant;

/** A platform user as stored (the password hash never leaves {@link UserStore}). */
public record User(
    String username,
    String email,
    String firstName,
    String lastName,
    boolean superuser,
    boolean active,
    Instant lastLogin,
    Instant dateJoined) {}
