"""The app's screens: new game, the game, the hot-seat curtain, the end, help and dialogs."""
