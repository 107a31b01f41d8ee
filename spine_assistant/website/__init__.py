"""The website side of the assistant: the rendered source page with one anchor per
section, the static server for the demo page, and the socket.io channel the widget uses.
The widget itself (JavaScript) lives in web/.
"""
