"""Running the assistant: the launchers of the Rasa server and the action server with the
project's security settings (SECURITY.md), starting and stopping processes (processes.py),
`make run` (launch.py) with one Rasa process per core behind one port (front.py), the
isolated assistant of the tests and benchmarks (isolated.py) and the scaled set-up
(scaled.py)."""
