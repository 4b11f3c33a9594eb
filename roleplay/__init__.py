"""roleplay: a terminal role-play trainer for e-commerce pre-sales customer-service agents."""

__version__ = "0.1.0"
