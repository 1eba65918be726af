  /** {{Service}}: a {{aggregate}} was created. */
  public static final EventType<{{Aggregate}}Created> {{AGGREGATE}}_CREATED =
      new EventType<>("{{service}}", "{{aggregate}}", "{{Aggregate}}Created", {{Aggregate}}Created.class);

