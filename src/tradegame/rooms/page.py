"""The browser page of the room server (filled in by the browser client work)."""

PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>tradegame rooms</title></head>
<body style="font-family: sans-serif; margin: 3em">
<h1>tradegame rooms</h1>
<p>Join with <code>tradegame join URL --code CODE</code>.</p>
</body></html>
"""
