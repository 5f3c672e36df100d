"""What the HTTP clients of the providers and the server connection share."""
