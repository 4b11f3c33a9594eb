"""Sub-commands of `roleplay`, one module per group; each module has ``register(commands, common)``.

Registration only declares arguments: handlers import what they need when they run.
"""
