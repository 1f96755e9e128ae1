"""/addindexer myanonamouse in the chat: the mam_id is asked for privately, a wrong one is refused
with one line naming the indexer, and nothing is kept."""

from __future__ import annotations

from core.store.models import ButtonToken, Integration
from tests.conversation.conftest import ADMIN, World, keys
from tests.support.mam_server import MamServer

GOOD = "mam-chat-canary-6Hc1Ns8Qe"
WRONG = "mam-chat-wrong-2Pz7Uv5Ty"


async def test_the_mam_id_is_asked_privately_and_a_wrong_one_keeps_nothing(world: World) -> None:
    with MamServer(mam_id=GOOD) as mam:
        typed = await world.conv.command(ADMIN, "addindexer", f"myanonamouse mam {mam.url} {WRONG}")
        assert keys(typed)[:2] == ["secret.failed", "error.mam_logged_out"]
        assert typed[0].delete_trigger  # the message that held the mam_id goes
        assert await Integration.all().count() == 0
        asked = await world.conv.command(ADMIN, "addindexer", f"myanonamouse mam {mam.url}")
        [reply] = asked
        assert keys(asked) == ["secret.ask"] and reply.ask is not None
        assert [f.name for f in reply.ask.fields] == ["mam_id"] and reply.ask.fields[0].secret
        done = await world.conv.private_answer(ADMIN, reply.ask.token, {"mam_id": GOOD})
    assert keys(done) == ["secret.added"]
    row = await Integration.get(name="mam")
    assert row.kind == "myanonamouse" and GOOD not in (row.secret or "")
    assert GOOD not in repr([t.payload for t in await ButtonToken.all()])
