"""The phases of a round, one module each (DESIGN §3.3); resolution runs its steps:
ratification, politics and markets."""
