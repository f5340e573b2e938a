"""How a chapter's kernel is found ready (pku_eval.kernel.ready_client_class): without
jupyter_client's quiet period of 0.2 s, but consuming the same messages, so that the first
cell's outputs are the same; and a kernel that does not greet its IOPub subscriber (an older
ipykernel) is still found ready."""

from __future__ import annotations

import asyncio

import pytest

from pku_eval import kernel


async def _ready_kernel(drop_greeting: bool = False):
    manager = kernel.kernel_manager_class(None)(kernel_name="python3")
    await manager.start_kernel()
    client = manager.client()
    assert isinstance(client, kernel.ready_client_class())
    client.start_channels()
    if drop_greeting:  # as a kernel that never sends iopub_welcome
        get = client.iopub_channel.get_msg

        async def without_greeting(*args, **kwargs):
            while True:
                msg = await get(*args, **kwargs)
                if msg["msg_type"] != "iopub_welcome":
                    return msg

        client.iopub_channel.get_msg = without_greeting
    await client.wait_for_ready(timeout=120)
    return manager, client


async def _outputs(client, code: str) -> list[dict]:
    msg_id = client.execute(code)
    outputs = []
    while True:
        msg = await client.iopub_channel.get_msg(timeout=60)
        if msg["parent_header"].get("msg_id") != msg_id:
            outputs.append(("foreign", msg["msg_type"]))  # nothing else may be there
            continue
        if msg["msg_type"] == "stream":
            outputs.append(msg["content"]["text"])
        if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            return outputs


@pytest.mark.parametrize("drop_greeting", [False, True], ids=["greeted", "no greeting"])
def test_a_ready_kernel_left_nothing_of_the_handshake_on_iopub(drop_greeting):
    async def check():
        manager, client = await _ready_kernel(drop_greeting)
        try:
            # what jupyter_client's flush would have consumed is consumed: the kernel_info
            # request's busy and idle status, the greeting, the "starting" status
            assert not await client.iopub_channel.msg_ready()
            await asyncio.sleep(0.3)  # nothing more is on its way either
            assert not await client.iopub_channel.msg_ready()
            assert await _outputs(client, "print(6 * 7)") == ["42\n"]
        finally:
            client.stop_channels()
            await manager.shutdown_kernel(now=False)
        assert not await manager.is_alive()

    asyncio.run(check())
