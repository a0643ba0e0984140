"""A class plays over the network: a room server of N games of one scenario.

- :mod:`tradegame.rooms.codes` — seat codes, tokens, the instructor code (constant-time);
- :mod:`tradegame.rooms.protocol` — the websocket messages (``tradegame-room/1``);
- :mod:`tradegame.rooms.room` — one room: the authoritative game, AI seats, clock, autosave;
- :mod:`tradegame.rooms.server` — the aiohttp server: joining, moves, spectators, instructor;
- :mod:`tradegame.rooms.connection` — the wire every client shares (connect, checked messages);
- :mod:`tradegame.rooms.client` — ``tradegame join``'s text clients: instructor, bot relay, text;
- :mod:`tradegame.rooms.remote_seat` — a seat for the game screen (``RemoteSeat``);
- :mod:`tradegame.rooms.instructor_link` — the instructor console's connection.

Started by ``tradegame host`` (:mod:`tradegame.commands.host`); needs aiohttp (``web`` extra).
"""
