new {{Aggregate}}Created(
            UUID.fromString("5d0c9a7e-2f41-4b86-9e3a-71c8d2b4f605"),
            USER,
            "First {{aggregate}}",
            Instant.parse("2026-01-15T09:30:00.250Z"))
