"""Publishing on the web: the dashboard pages, the JSON/CSV API, SDMX REST and the registry pages."""
