"""The site: the pages that are no one module's (start page, overview, audit trail), the
navigation, and what ties the apps together. The top layer: it may import every app; none
imports it."""
