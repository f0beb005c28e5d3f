import logging

# The app logs to stdout when it runs; in tests its log lines would only bury the results.
logging.getLogger().addHandler(logging.NullHandler())
