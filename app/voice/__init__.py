"""Voice rounds (DESIGN: Voice rounds): Cal speaks each behavioral prompt, the candidate answers
aloud, the browser uploads the recording in chunks, the worker transcribes it."""
