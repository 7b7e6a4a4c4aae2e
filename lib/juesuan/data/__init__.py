"""The figures' first stop: reading a year's data folder (CSV, text, Excel workbooks), checking it, and the
figures model the report and the audit compute from. Imports nothing from report/, build/ or audit/."""
