"""Request validation rules, one module per operation, written from the
official OpenAPI specs (the emulator never reads the specs at run time)."""
