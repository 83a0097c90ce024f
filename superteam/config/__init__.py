"""Team and role configuration: YAML files validated into typed models."""
