"""The evidence archive: WARC records of every response, their writer, and a loopback replay server."""
