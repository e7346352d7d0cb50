package io.skiff.controller;

import java.util.regex.Pattern;

/** Username and email rules of Django 1.6's User model, as Deis used it. */
public final class UserValidation {
  private static final Pattern USERNAME = Pattern.compile("^[\\w.@+-]+$");
  private static final Pattern EMAIL = Pattern.compile("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$");

  private UserValidation() {}

  public static String username(String username) {
    Body.maxLength("username", username, 30);
    if (!USERNAME.matcher(username).matches()) throw ApiError.field("username", "Enter a valid username.");
    return username;
  }

  public static String email(String email) {
    if (email == null || email.isEmpty()) return "";
    Body.maxLength("email", email, 254);
    if (!EMAIL.matcher(email).matches()) throw ApiError.field("email", "Enter a valid email address.");
    return email;
  }
}
