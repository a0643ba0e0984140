"""A class plays over the network: a room server of N games of one scenario.

- :mod:`tradegame.rooms.codes` — seat codes, tokens, the instructor code (constant-time);
- :mod:`tradegame.rooms.protocol` — the websocket messages (``tradegame-room/1``);
- :mod:`tradegame.rooms.room` — one room: the authoritative game, AI seats, clock, autosave;
- :mod:`tradegame.rooms.server` — the aiohttp server: joining, moves, spectators, instructor;
- :mod:`tradegame.rooms.client` — a client for programs: ``tradegame join``'s relay of a bot.

Started by ``tradegame host`` (:mod:`tradegame.commands.host`); needs aiohttp (``web`` extra).
"""
